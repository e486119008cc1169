# MCP tool calls and lists (input.call.api == "mcp"). A list is decided once per item (input.call.mcp.listing):
# an item denied here is hidden from that key. A tools/call is also a tool call (input.call.tool_calls), so the
# risk rules on tool calls (payments, deletions, external email, production writes) hold MCP calls too.
package airlock

import rego.v1

mcp := data.governance.mcp

mcp_request if input.call.api == "mcp"

mcp_tool := input.call.mcp.tool if {
	mcp_request
	input.call.mcp.tool != null
}

# Tools that run code, open shells or reach into secrets: only teams allowed them may see or call them.
deny contains sprintf("MCP tool %q on server %q is on the risk list; team %q may not use it", [mcp_tool.name, input.call.mcp.server, team_name]) if {
	glob_any(mcp.risk_tools, lower(mcp_tool.name))
	not team_name in mcp.risk_tools_teams
}

# Destructive tools (the server says so, or the name says so) wait for a human before they run.
holds contains hold_for(sprintf("MCP tool %q on server %q is destructive", [mcp_tool.name, input.call.mcp.server])) if {
	input.call.mcp.method == "tools/call"
	destructive(mcp_tool)
}

destructive(tool) if tool.annotations.destructiveHint == true

destructive(tool) if {
	not tool.annotations.readOnlyHint == true
	glob_any(mcp.destructive_tools, lower(tool.name))
}

# What an external server returns may carry personal data: it is redacted (reversibly) before the agent sees it,
# and what the agent sends there is redacted the same way.
redact := {
	"entities": data.governance.redaction.entities,
	"mode": "placeholder",
	"output": true,
} if {
	mcp_request
	input.call.mcp.external == true
}
