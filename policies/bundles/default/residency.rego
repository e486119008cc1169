# Data residency: teams flagged eu_only are routed to EU-served models, and refused when no EU model can serve.
package airlock

import rego.v1

residency := data.governance.residency

eu_only if team_setting("eu_only") == true

routes contains {"model": residency.eu_alternatives[input.call.model], "fallbacks": []} if {
	eu_only
	model_call
	not input.call.model in residency.eu_models
}

deny contains sprintf("team %q must stay in the EU and model %q has no EU deployment", [team_name, input.call.model]) if {
	eu_only
	model_call
	not input.call.model in residency.eu_models
	not residency.eu_alternatives[input.call.model]
}
