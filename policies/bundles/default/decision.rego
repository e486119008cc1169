# The decision the gateway asks for on every call: data.airlock.decision.
# Each concern (models, budgets, pii, risk, residency) adds to the partial sets `deny`, `holds` and `routes`;
# this file only combines them, so a compliance team can read one rule file per concern.
package airlock

import rego.v1

decision := {
	"allow": allow,
	"deny": sort(deny),
	"hold": hold,
	"redact": redact,
	"route": route,
	"labels": labels,
}

default allow := false

allow if {
	count(deny) == 0
	count(holds) == 0
}

# A denial outranks a hold: nobody should be asked to approve a call that policy refuses anyway.
default hold := null

hold := sort(holds)[0] if {
	count(deny) == 0
	count(holds) > 0
}

default route := null

route := sort(routes)[0] if count(routes) > 0

labels := {
	"team": team_name,
	"bundle": "airlock-default",
}

team_name := object.get(input.principal, "team", "")

# The gateway asks twice about a model call: before it leaves ("request") and once per tool call the model returns
# ("response"; input.call.tool_calls holds that call). An input without a phase is a request.
request_phase if not input.phase == "response"

response_phase if input.phase == "response"

# A team missing from the config gets the default team's settings.
team := data.governance.teams[team_name]

default team := {}

team_setting(name) := object.get(team, name, object.get(data.governance.default_team, name, null))

# `risk.quorum`: how many distinct approvers must agree (2 for four eyes).
# `risk.editable`: approvers may change a held call's arguments (a tool call's, an API call's body); the edit is
# shown and audited, and the bundle is asked again about the call as edited before it goes on.
hold_for(reason) := {
	"reason": reason,
	"approver_role": data.governance.risk.approver_role,
	"quorum": object.get(data.governance.risk, "quorum", 1),
	"expires_in_s": data.governance.risk.hold_expiry_seconds,
	"editable": object.get(data.governance.risk, "editable", false),
}

glob_any(patterns, name) if {
	some pattern in patterns
	glob.match(pattern, [], name)
}
