package airlock_test

import rego.v1

import data.airlock

# The response phase: the gateway asks once per tool call the model returned, that call in call.tool_calls.
answer_call(name, args) := object.union(
	with_call({"tools": [name], "tool_calls": [{"id": "call_1", "name": name, "arguments": args}]}),
	{"phase": "response"},
)

# The request phase of a model call: tool calls in the history are context, call.tool_calls is empty.
history_call(name, args) := object.union(
	with_call({"tools": [name], "tool_calls": [], "history_tool_calls": [{"id": "call_0", "name": name, "arguments": args}]}),
	{"phase": "request"},
)

held(inp) := d.hold.reason if {
	d := airlock.decision with input as inp
	d.allow == false
	d.hold.approver_role == "approver"
}

allowed(inp) if {
	d := airlock.decision with input as inp
	d.allow == true
	d.hold == null
}

test_large_payment_held if {
	d := airlock.decision with input as answer_call("create_payment", {"amount": 5000, "currency": "EUR"})
	d.allow == false
	d.hold.reason == `payment of 5000 via "create_payment" exceeds 1000`
	d.hold.approver_role == "approver"
	d.hold.quorum == object.get(data.governance.risk, "quorum", 1)
	d.hold.expires_in_s == 3600
}

test_four_eyes_quorum_from_data if {
	d := airlock.decision with input as answer_call("delete_customer", {"id": 7}) with data.governance.risk.quorum as 2
	d.hold.quorum == 2
}

test_payment_amount_as_text_held if {
	held(answer_call("transfer_funds", {"amount": "12,500.00"})) == `payment of 12500 via "transfer_funds" exceeds 1000`
}

test_payment_total_field_held if {
	held(answer_call("issue_refund", {"total": 1200.5})) == `payment of 1200.5 via "issue_refund" exceeds 1000`
}

test_small_payment_allowed if allowed(answer_call("create_payment", {"amount": "250"}))

test_payment_at_threshold_allowed if allowed(answer_call("create_payment", {"amount": 1000}))

test_payment_without_readable_amount_allowed if {
	allowed(answer_call("create_payment", {"amount": "a lot"}))
	allowed(answer_call("create_payment", "not json"))
}

test_delete_held if {
	held(answer_call("delete_customer", {"id": 7})) == `tool "delete_customer" deletes data`
}

test_delete_operation_held if {
	held(answer_call("manage_records", {"operation": "DELETE", "id": 7})) == `tool "manage_records" deletes data`
}

test_read_allowed if allowed(answer_call("get_customer", {"id": 7}))

test_external_email_held if {
	held(answer_call("send_email", {"to": ["bob@example.com", "eve@evil.test"]})) == `tool "send_email" sends email outside the company to eve@evil.test`
}

test_external_email_in_display_name_list_held if {
	held(answer_call("send_email", {"to": "Bob <bob@example.com>, Eve <Eve@Evil.test>"})) == `tool "send_email" sends email outside the company to eve@evil.test`
}

test_external_cc_held if {
	held(answer_call("send_email", {"to": "bob@example.com", "cc": [{"email": "mallory@other.test"}]})) == `tool "send_email" sends email outside the company to mallory@other.test`
}

test_internal_email_allowed if {
	allowed(answer_call("send_email", {"to": "bob@Example.com"}))
	allowed(answer_call("send_email", {"to": ["ann@mail.example.com"], "cc": "Bob <bob@example.com>"}))
}

test_lookalike_domain_held if {
	held(answer_call("send_email", {"to": "ceo@example.com.evil.test"})) == `tool "send_email" sends email outside the company to ceo@example.com.evil.test`
	held(answer_call("send_email", {"to": "ceo@notexample.com"})) == `tool "send_email" sends email outside the company to ceo@notexample.com`
}

test_production_write_held if {
	held(answer_call("update_config", {"environment": "Production", "key": "x"})) == `tool "update_config" writes to production`
	held(answer_call("deployService", {"env": "prod"})) == `tool "deployService" writes to production`
}

test_production_read_allowed if {
	allowed(answer_call("get_config", {"environment": "production"}))
	allowed(answer_call("get_settings", {"environment": "production"}))
}

test_staging_write_allowed if allowed(answer_call("update_config", {"environment": "staging"}))

test_odd_arguments_never_fail_the_decision if {
	allowed(answer_call("update_config", {"environment": 7, "operation": ["x"]}))
	allowed(answer_call("send_email", {"to": 42}))
}

# Tool calls the agent already ran (the request's history) are never held again, in either phase.
test_history_tool_calls_never_held if {
	allowed(history_call("delete_customer", {"id": 7}))
	allowed(history_call("create_payment", {"amount": 25000}))
	allowed(history_call("send_email", {"to": "eve@evil.test"}))
}

# The response phase decides the tool call only: the request's settled concerns do not refuse the answer.
test_response_phase_ignores_request_limits if {
	spent := object.union(answer_call("lookup", {}), {"usage": {"key": {"spend_today_micros": 0, "requests_this_minute": 100000, "requests_today": 0}, "team": {"spend_today_micros": 1000000000000, "requests_this_minute": 0, "requests_today": 0}}})
	allowed(spent)
	request := object.union(spent, {"phase": "request"})
	d := airlock.decision with input as request
	count(d.deny) > 0
}

test_response_phase_ignores_model_allowlist if {
	inp := object.union(answer_call("lookup", {}), {"principal": object.union(base_input.principal, {"team": "support"}), "call": object.union(answer_call("lookup", {}).call, {"model": "gpt-4o"})})
	allowed(inp)
}

http_call(system, method) := object.union(with_call({"api": "http", "provider": "http", "model": "", "target": {"system": system, "host": "crm.internal", "path": "/contacts", "method": method}}), {"phase": "request"})

test_write_to_system_of_record_held if {
	held(http_call("crm", "POST")) == `POST to system of record "crm"`
	held(http_call("billing", "delete")) == `DELETE to system of record "billing"`
}

test_read_from_system_of_record_allowed if {
	allowed(http_call("crm", "GET"))
	allowed(http_call("crm", "HEAD"))
}

test_write_to_other_system_allowed if allowed(http_call("httpbin", "POST"))

mail_api_call(body) := object.union(base_input, {"call": object.union(base_input.call, {
	"api": "http", "provider": "http", "model": "", "deployments": [],
	"target": {"system": "mailer", "host": "127.0.0.1:8095", "path": "/messages", "method": "POST", "body": body},
})})

test_mail_api_call_outside_company_held if {
	reason := held(mail_api_call({"to": "Jane <jane.doe@gmail.com>", "subject": "Your loan"}))
	reason == `POST to mail system "mailer" sends email outside the company to jane.doe@gmail.com`
}

test_mail_api_call_inside_company_allowed if {
	allowed(mail_api_call({"to": ["loans@example.com"], "cc": "branch@mail.example.com"}))
}

test_mail_api_call_without_json_body_allowed if {
	allowed(mail_api_call(null))
}
