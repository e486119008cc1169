package airlock_test

import rego.v1

import data.airlock

eu_call(model) := object.union(with_team("eu-sales"), {"call": object.union(base_input.call, {"model": model})})

test_eu_team_routed_to_eu_model if {
	d := airlock.decision with input as eu_call("demo-1")
	d.allow == true
	d.route == {"model": "demo-eu", "fallbacks": []}
}

test_eu_team_on_eu_model_not_rerouted if {
	d := airlock.decision with input as eu_call("demo-eu")
	d.route == null
}

test_eu_team_denied_without_eu_alternative if {
	d := airlock.decision with input as eu_call("demo-2")
	d.deny == [`team "eu-sales" must stay in the EU and model "demo-2" has no EU deployment`]
}

test_other_teams_not_rerouted if {
	d := airlock.decision with input as base_input
	d.route == null
}
