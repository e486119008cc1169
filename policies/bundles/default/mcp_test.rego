package airlock_test

import rego.v1

import data.airlock

mcp_input(team, method, tool, server_external) := {
	"principal": {"key_id": "k1", "tenant": "default", "team": team, "user": "u", "roles": ["user"]},
	"call": {
		"id": "call_1", "api": "mcp", "provider": "mcp", "model": "", "deployments": [], "stream": false,
		"tools": [tool.name], "tool_calls": [{"name": tool.name, "arguments": {}}], "target": null,
		"estimated_tokens": 1, "pii": {},
		"mcp": {"server": "tools", "external": server_external, "method": method, "listing": false, "tool": tool, "arguments": {}, "resource": null, "prompt": null},
	},
	"workflow": {"id": "", "run": "", "step": ""},
	"usage": {"key": {"spend_today_micros": 0, "requests_today": 0, "requests_this_minute": 0}, "team": {"spend_today_micros": 0, "requests_today": 0, "requests_this_minute": 0}},
	"time": {"now_ns": 0, "rfc3339": "1970-01-01T00:00:00Z"},
}

tool(name, annotations) := {"name": name, "description": "", "annotations": annotations, "pin": "approved"}

test_mcp_plain_tool_allowed if {
	d := airlock.decision with input as mcp_input("support", "tools/call", tool("lookup_order", {}), false)
	d.allow
	d.redact == null
}

test_mcp_call_not_denied_by_model_rules if {
	d := airlock.decision with input as mcp_input("support", "tools/list", tool("search", {}), false)
	d.deny == []
}

test_mcp_risk_tool_denied_for_other_teams if {
	d := airlock.decision with input as mcp_input("support", "tools/call", tool("run_shell_command", {}), false)
	not d.allow
	count(d.deny) == 1
	contains(d.deny[0], "risk list")
}

test_mcp_risk_tool_allowed_for_platform if {
	d := airlock.decision with input as mcp_input("platform", "tools/call", tool("run_shell_command", {}), false)
	d.allow
}

test_mcp_destructive_hint_holds_call if {
	d := airlock.decision with input as mcp_input("support", "tools/call", tool("archive_ticket", {"destructiveHint": true}), false)
	not d.allow
	d.deny == []
	contains(d.hold.reason, "destructive")
}

test_mcp_destructive_name_holds_call if {
	d := airlock.decision with input as mcp_input("support", "tools/call", tool("wipe_workspace", {}), false)
	contains(d.hold.reason, "destructive")
}

test_mcp_read_only_hint_overrides_name if {
	d := airlock.decision with input as mcp_input("support", "tools/call", tool("wipe_preview", {"readOnlyHint": true}), false)
	d.allow
}

test_mcp_destructive_tool_still_listed if {
	# Listing is no call: a held tool is shown; only a denial hides it.
	d := airlock.decision with input as mcp_input("support", "tools/list", tool("archive_ticket", {"destructiveHint": true}), false)
	d.deny == []
	d.hold == null
}

test_mcp_external_server_redacts_both_ways if {
	d := airlock.decision with input as mcp_input("support", "tools/call", tool("lookup_customer", {}), true)
	d.allow
	d.redact.output == true
	d.redact.mode == "placeholder"
	"EMAIL" in d.redact.entities
}
