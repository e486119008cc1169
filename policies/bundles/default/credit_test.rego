package airlock_test

import rego.v1

import data.airlock

loan_decision(body) := object.union(base_input, {"call": object.union(base_input.call, {
	"api": "http", "provider": "http", "model": "", "deployments": [],
	"target": {"system": "loan-desk", "host": "127.0.0.1:8094", "path": "/decisions", "method": "POST", "body": body},
})})

test_good_score_small_loan_allowed if {
	d := airlock.decision with input as loan_decision({"application_id": "APP-1", "score": 720, "amount": 12000})
	d.allow == true
	d.hold == null
}

test_score_below_minimum_denied if {
	d := airlock.decision with input as loan_decision({"score": 480, "amount": 12000})
	d.allow == false
	d.deny == ["credit score 480 is below the minimum of 500"]
	d.hold == null
}

test_score_below_review_threshold_held_for_one_underwriter if {
	d := airlock.decision with input as loan_decision({"score": 610, "amount": 12000})
	d.allow == false
	d.hold.reason == "credit score 610 is below 660: an underwriter decides"
	d.hold.approver_role == "underwriter"
	d.hold.quorum == 1
}

test_large_loan_needs_four_eyes_whatever_the_score if {
	d := airlock.decision with input as loan_decision({"score": 790, "amount": "75,000"})
	d.hold.reason == "a loan of 75000 needs two underwriters (four eyes from 50000)"
	d.hold.quorum == 2
}

test_large_loan_with_review_score_keeps_four_eyes if {
	d := airlock.decision with input as loan_decision({"score": 600, "amount": 90000})
	d.hold.quorum == 2
}

test_large_loan_below_minimum_is_denied_not_held if {
	d := airlock.decision with input as loan_decision({"score": 450, "amount": 90000})
	count(d.deny) == 1
	d.hold == null
}

test_reading_a_decision_holds_nothing if {
	inp := json.patch(loan_decision({"score": 600}), [{"op": "replace", "path": "/call/target/method", "value": "GET"}])
	d := airlock.decision with input as inp
	d.allow == true
}

test_decision_without_numeric_score_is_not_a_credit_decision if {
	d := airlock.decision with input as loan_decision({"score": "high", "amount": 10})
	d.allow == true
	d2 := airlock.decision with input as loan_decision(null)
	d2.allow == true
}

test_other_systems_are_not_credit_decisions if {
	inp := json.patch(loan_decision({"score": 400}), [{"op": "replace", "path": "/call/target/system", "value": "httpbin"}])
	d := airlock.decision with input as inp
	d.allow == true
}
