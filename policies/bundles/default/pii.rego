# Personal data: redact it in prompts by default; teams marked no_pii_egress may not send any to a provider that
# is not approved for personal data, even redacted.
package airlock

import rego.v1

default redact := null

# MCP requests get theirs from mcp.rego: a tool's arguments are the tool's business unless its server is external.
redact := {
	"entities": data.governance.redaction.entities,
	"mode": data.governance.redaction.mode,
} if input.call.api != "mcp"

pii_found contains entity if {
	some entity, n in object.get(input.call, "pii", {})
	n > 0
}

deny contains sprintf("team %q may not send personal data (%s) to provider %q", [team_name, concat(", ", sort(pii_found)), input.call.provider]) if {
	request_phase
	team_setting("no_pii_egress") == true
	count(pii_found) > 0
	not input.call.provider in data.governance.providers.pii_approved
}
