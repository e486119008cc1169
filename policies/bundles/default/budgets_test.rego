package airlock_test

import rego.v1

import data.airlock

with_usage(scope, figures) := object.union(base_input, {"usage": object.union(base_input.usage, {scope: object.union(base_input.usage[scope], figures)})})

test_team_budget_exhausted if {
	d := airlock.decision with input as with_usage("team", {"spend_today_micros": 500000000})
	d.deny == [`team "platform" has spent its daily budget of 500 USD`]
}

test_team_budget_not_yet_exhausted if {
	d := airlock.decision with input as with_usage("team", {"spend_today_micros": 499999999})
	d.allow == true
}

test_key_budget_from_data if {
	d := airlock.decision with input as with_usage("key", {"spend_today_micros": 2000000})
		with data.governance.keys as {"k1": {"daily_budget_usd": 2}}
	d.deny == ["key has spent its daily budget of 2 USD"]
}

test_rate_limit_per_key if {
	d := airlock.decision with input as with_usage("key", {"requests_this_minute": 3000})
	d.deny == ["rate limit of 3000 requests per minute reached"]
}

test_rate_limit_key_override if {
	d := airlock.decision with input as with_usage("key", {"requests_this_minute": 10})
		with data.governance.keys as {"k1": {"requests_per_minute": 10}}
	d.deny == ["rate limit of 10 requests per minute reached"]
}
