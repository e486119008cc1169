# Credit decisions: a loan decision posted to a lending system (data.governance.credit.systems, through
# /api/:system) carries the applicant's credit score and the amount in its JSON body. Below the minimum score the
# loan is refused; below the review threshold an underwriter decides; large loans need two underwriters (four eyes),
# whatever the score.
package airlock

import rego.v1

credit := data.governance.credit

# The decision being posted, when the call posts one with a numeric score.
credit_decision := d if {
	request_phase
	input.call.api == "http"
	input.call.target.system in credit.systems
	not upper(input.call.target.method) in {"GET", "HEAD", "OPTIONS"}
	d := object.get(input.call.target, "body", null)
	is_object(d)
	is_number(d.score)
}

loan_amount := as_amount(object.get(credit_decision, "amount", null))

deny contains sprintf("credit score %v is below the minimum of %v", [credit_decision.score, credit.min_score]) if {
	credit_decision.score < credit.min_score
}

holds contains credit_hold(sprintf("credit score %v is below %v: an underwriter decides", [credit_decision.score, credit.review_below_score])) if {
	credit_decision.score >= credit.min_score
	credit_decision.score < credit.review_below_score
}

holds contains credit_hold(sprintf("a loan of %v needs two underwriters (four eyes from %v)", [loan_amount, credit.four_eyes_amount])) if {
	credit_decision.score >= credit.min_score
	loan_amount >= credit.four_eyes_amount
}

default credit_quorum := 1

credit_quorum := 2 if loan_amount >= credit.four_eyes_amount

credit_hold(reason) := object.union(hold_for(reason), {"approver_role": credit.approver_role, "quorum": credit_quorum})
