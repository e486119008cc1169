# Risky actions wait for a human: large payments, deletions, email leaving the company, production writes, and any
# write to a system of record.
package airlock

import rego.v1

risk := data.governance.risk

tool_calls := object.get(input.call, "tool_calls", [])

holds contains hold_for(sprintf("payment of %v via %q exceeds %v", [amount, call.name, risk.payment_threshold])) if {
	some call in tool_calls
	glob_any(risk.payment_tools, lower(call.name))
	amount := to_number(call.arguments.amount)
	amount > risk.payment_threshold
}

holds contains hold_for(sprintf("tool %q deletes data", [call.name])) if {
	some call in tool_calls
	glob_any(risk.delete_tools, lower(call.name))
}

holds contains hold_for(sprintf("tool %q sends email outside the company to %s", [call.name, recipient])) if {
	some call in tool_calls
	glob_any(risk.email_tools, lower(call.name))
	some recipient in recipients(call.arguments)
	not internal_address(recipient)
}

holds contains hold_for(sprintf("tool %q writes to production", [call.name])) if {
	some call in tool_calls
	lower(object.get(call.arguments, "environment", "")) in risk.production_environments
	writes(call)
}

holds contains hold_for(sprintf("%s to system of record %q", [input.call.target.method, input.call.target.system])) if {
	input.call.api == "http"
	input.call.target.system in data.governance.systems.of_record
	upper(input.call.target.method) != "GET"
}

recipients(args) := {r | some field in ["to", "cc", "bcc"]; some r in as_list(object.get(args, field, []))}

as_list(x) := [x] if is_string(x)

as_list(x) := x if is_array(x)

internal_address(address) if {
	parts := split(lower(address), "@")
	count(parts) == 2
	parts[1] in data.governance.company_domains
}

writes(call) if {
	some verb in risk.write_verbs
	contains(lower(call.name), verb)
}

writes(call) if lower(object.get(call.arguments, "operation", "")) in risk.write_verbs
