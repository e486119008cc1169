# Risky actions wait for a human (approver role in data.governance.risk): large payments, deletions, email leaving
# the company, production writes, and any write to a system of record.
#
# Where the action is decided:
# - a model's tool call in the response phase: input.call.tool_calls holds the one call the model just returned,
#   before the agent can run it (tool calls in the request's history ran already: input.call.history_tool_calls,
#   never held again);
# - an API call through /api/:system in the request phase, before it goes out (input.call.target, its JSON body in
#   input.call.target.body).
package airlock

import rego.v1

risk := data.governance.risk

# Only new actions are ever here, whatever the phase.
tool_calls := object.get(input.call, "tool_calls", [])

holds contains hold_for(sprintf("payment of %v via %q exceeds %v", [amount, call.name, risk.payment_threshold])) if {
	some call in tool_calls
	glob_any(risk.payment_tools, lower(call.name))
	amount := payment_amount(call.arguments)
	amount > risk.payment_threshold
}

holds contains hold_for(sprintf("tool %q deletes data", [call.name])) if {
	some call in tool_calls
	deletes(call)
}

holds contains hold_for(sprintf("tool %q sends email outside the company to %s", [call.name, recipient])) if {
	some call in tool_calls
	glob_any(risk.email_tools, lower(call.name))
	some recipient in recipients(call.arguments)
	not internal_address(recipient)
}

# The same rule for a bot's email through a mail system's API (data.governance.systems.mail): the recipients are in
# the call's JSON body.
holds contains hold_for(sprintf("%s to mail system %q sends email outside the company to %s", [upper(input.call.target.method), input.call.target.system, recipient])) if {
	request_phase
	input.call.api == "http"
	input.call.target.system in data.governance.systems.mail
	some recipient in recipients(object.get(input.call.target, "body", null))
	not internal_address(recipient)
}

holds contains hold_for(sprintf("tool %q writes to production", [call.name])) if {
	some call in tool_calls
	production(call.arguments)
	writes(call)
}

holds contains hold_for(sprintf("%s to system of record %q", [upper(input.call.target.method), input.call.target.system])) if {
	request_phase
	input.call.api == "http"
	input.call.target.system in data.governance.systems.of_record
	not upper(input.call.target.method) in {"GET", "HEAD", "OPTIONS"}
}

# Arguments the model could not write as JSON reach policy as text: no field to read, and nothing held for it.
fields(args) := args if is_object(args)

fields(args) := {} if not is_object(args)

# The largest amount named in the arguments (a number or numeric text, "1,250.50" included).
payment_amount(args) := max(amounts) if {
	amounts := {n |
		some field in risk.payment_amount_fields
		n := as_amount(object.get(fields(args), field, null))
	}
	count(amounts) > 0
}

as_amount(x) := x if is_number(x)

as_amount(x) := to_number(digits) if {
	is_string(x)
	digits := replace(replace(trim_space(x), ",", ""), "_", "")
	regex.match(`^-?[0-9]+(\.[0-9]+)?$`, digits)
}

deletes(call) if glob_any(risk.delete_tools, lower(call.name))

deletes(call) if {
	some field in ["operation", "action", "method"]
	text_arg(call.arguments, field) in risk.delete_verbs
}

# Recipients in to/cc/bcc (and the like): a string ("a@x.com, Bob <b@y.com>"), a list of them, or objects with an
# email or address field.
recipients(args) := {lower(address) |
	some field in risk.recipient_fields
	some entry in as_list(object.get(fields(args), field, []))
	some text in entry_texts(entry)
	some part in regex.split(`[,;]`, text)
	address := address_in(part)
}

as_list(x) := [x] if not is_array(x)

as_list(x) := x if is_array(x)

entry_texts(e) := [e] if is_string(e)

entry_texts(e) := [v | some k in ["email", "address"]; v := e[k]; is_string(v)] if is_object(e)

address_in(part) := a if {
	found := regex.find_n(`[^\s<>"'(),;]+@[^\s<>"'(),;]+`, part, 1)
	count(found) == 1
	a := found[0]
}

internal_address(address) if {
	parts := split(lower(address), "@")
	count(parts) == 2
	domain := parts[1]
	some company in data.governance.company_domains
	internal_domain(domain, lower(company))
}

internal_domain(domain, company) if domain == company

# Subdomains of the company's domains are the company's too (mail.example.com).
internal_domain(domain, company) if endswith(domain, concat("", [".", company]))

production(args) if {
	some field in ["environment", "env", "stage", "target"]
	text_arg(args, field) in risk.production_environments
}

# A write verb as a word of the tool's name: update_config, createOrder, deploy-service (not get_settings).
writes(call) if {
	some word in regex.find_n(`[A-Z]?[a-z]+|[A-Z]+|[0-9]+`, call.name, -1)
	lower(word) in risk.write_verbs
}

writes(call) if {
	some field in ["operation", "action", "method"]
	text_arg(call.arguments, field) in risk.write_verbs
}

# An argument as lower-case text; undefined when it is missing or not text (a rule must not fail on odd arguments).
text_arg(args, field) := lower(v) if {
	v := fields(args)[field]
	is_string(v)
}
