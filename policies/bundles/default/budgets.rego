# Spend budgets (per team and per key, in USD per day) and request rate limits (per key per minute).
# Usage figures come in input.usage, in micro-dollars, from the trace store. Checked in the request phase only: an
# answer is never refused for the spend of the call that produced it.
package airlock

import rego.v1

micros(usd) := usd * 1000000

deny contains sprintf("team %q has spent its daily budget of %v USD", [team_name, budget]) if {
	request_phase
	budget := team_setting("daily_budget_usd")
	is_number(budget)
	input.usage.team.spend_today_micros >= micros(budget)
}

deny contains sprintf("key has spent its daily budget of %v USD", [budget]) if {
	request_phase
	budget := key_settings.daily_budget_usd
	input.usage.key.spend_today_micros >= micros(budget)
}

deny contains sprintf("rate limit of %v requests per minute reached", [limit]) if {
	request_phase
	limit := key_rate_limit
	is_number(limit)
	input.usage.key.requests_this_minute >= limit
}

key_settings := object.get(data.governance.keys, object.get(input.principal, "key_id", ""), {})

key_rate_limit := object.get(key_settings, "requests_per_minute", team_setting("requests_per_minute"))
