package airlock_test

import rego.v1

import data.airlock

base_input := {
	"principal": {"key_id": "k1", "tenant": "acme", "team": "platform", "user": "ann", "roles": ["user"]},
	"call": {"api": "openai.chat", "provider": "demo", "model": "demo-1", "stream": false, "tools": [], "tool_calls": [], "pii": {}},
	"workflow": {"id": "", "run": "", "step": ""},
	"usage": {
		"key": {"spend_today_micros": 0, "requests_this_minute": 0, "requests_today": 0},
		"team": {"spend_today_micros": 0, "requests_this_minute": 0, "requests_today": 0},
	},
}

with_call(patch) := object.union(base_input, {"call": object.union(base_input.call, patch)})

with_team(name) := object.union(base_input, {"principal": object.union(base_input.principal, {"team": name})})

test_plain_call_is_allowed if {
	d := airlock.decision with input as base_input
	d.allow == true
	d.deny == []
	d.hold == null
	d.route == null
}

test_default_redaction_covers_core_types if {
	d := airlock.decision with input as base_input
	d.redact.mode == "placeholder"
	{"EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "SSN", "API_KEY", "CREDENTIAL"} == {e | some e in d.redact.entities}
}

test_labels_name_team if {
	d := airlock.decision with input as base_input
	d.labels.team == "platform"
}

test_deny_outranks_hold if {
	inp := object.union(with_call({"model": "not-allowed", "tool_calls": [{"name": "delete_user", "arguments": {}}]}), {"principal": object.union(base_input.principal, {"team": "support"})})
	d := airlock.decision with input as inp
	d.allow == false
	count(d.deny) > 0
	d.hold == null
}
