package airlock_test

import rego.v1

import data.airlock

support_call(patch) := object.union(with_team("support"), {"call": object.union(base_input.call, patch)})

test_no_pii_egress_team_denied_to_unapproved_provider if {
	d := airlock.decision with input as support_call({"provider": "openai", "model": "gpt-4o-mini", "pii": {"EMAIL": 1, "SSN": 2, "PHONE": 0}})
	d.deny == [`team "support" may not send personal data (EMAIL, SSN) to provider "openai"`]
}

test_no_pii_egress_team_may_use_approved_provider if {
	d := airlock.decision with input as support_call({"provider": "demo", "pii": {"EMAIL": 1}})
	d.allow == true
}

test_other_teams_send_redacted_pii if {
	d := airlock.decision with input as with_call({"provider": "openai", "model": "gpt-4o", "pii": {"EMAIL": 3}})
	d.allow == true
	"EMAIL" in d.redact.entities
}
