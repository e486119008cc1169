package airlock_test

import rego.v1

import data.airlock

tool_call(name, args) := with_call({"tool_calls": [{"name": name, "arguments": args}]})

test_large_payment_held if {
	d := airlock.decision with input as tool_call("create_payment", {"amount": 5000, "currency": "EUR"})
	d.allow == false
	d.hold.reason == `payment of 5000 via "create_payment" exceeds 1000`
	d.hold.approver_role == "approver"
	d.hold.quorum == 1
	d.hold.expires_in_s == 3600
}

test_small_payment_allowed if {
	d := airlock.decision with input as tool_call("create_payment", {"amount": "250"})
	d.allow == true
}

test_delete_held if {
	d := airlock.decision with input as tool_call("delete_customer", {"id": 7})
	d.hold.reason == `tool "delete_customer" deletes data`
}

test_external_email_held if {
	d := airlock.decision with input as tool_call("send_email", {"to": ["bob@example.com", "eve@evil.test"]})
	d.hold.reason == `tool "send_email" sends email outside the company to eve@evil.test`
}

test_internal_email_allowed if {
	d := airlock.decision with input as tool_call("send_email", {"to": "bob@Example.com"})
	d.allow == true
}

test_production_write_held if {
	d := airlock.decision with input as tool_call("update_config", {"environment": "Production", "key": "x"})
	d.hold.reason == `tool "update_config" writes to production`
}

test_production_read_allowed if {
	d := airlock.decision with input as tool_call("get_config", {"environment": "production"})
	d.allow == true
}

test_staging_write_allowed if {
	d := airlock.decision with input as tool_call("update_config", {"environment": "staging"})
	d.allow == true
}

http_call(system, method) := with_call({"api": "http", "provider": "http", "model": "", "target": {"system": system, "host": "crm.internal", "path": "/contacts", "method": method}})

test_write_to_system_of_record_held if {
	d := airlock.decision with input as http_call("crm", "POST")
	d.hold.reason == `POST to system of record "crm"`
}

test_read_from_system_of_record_allowed if {
	d := airlock.decision with input as http_call("crm", "GET")
	d.allow == true
}
