# Which models and providers a team may use.
package airlock

import rego.v1

deny contains sprintf("model %q is not allowed for team %q", [input.call.model, team_name]) if {
	model_call
	not glob_any(team_setting("models"), input.call.model)
}

deny contains sprintf("provider %q is not allowed", [input.call.provider]) if {
	model_call
	not input.call.provider in data.governance.providers.allowed
}

deny contains sprintf("system %q is not a known system", [input.call.target.system]) if {
	request_phase
	input.call.api == "http"
	not input.call.target.system in data.governance.systems.known
}

# Bot and API calls (api "http") name a target system instead of a model; MCP requests (api "mcp") a server. Which
# model or system a call may use is settled before it leaves: the response phase does not ask again.
model_call if {
	request_phase
	not input.call.api in {"http", "mcp"}
}
