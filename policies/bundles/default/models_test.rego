package airlock_test

import rego.v1

import data.airlock

test_unlisted_team_gets_default_allowlist if {
	inp := object.union(with_team("unknown-team"), {"call": object.union(base_input.call, {"model": "gpt-4o"})})
	d := airlock.decision with input as inp
	d.allow == false
	d.deny == [`model "gpt-4o" is not allowed for team "unknown-team"`]
}

test_team_allowlist_glob if {
	inp := object.union(with_team("support"), {"call": object.union(base_input.call, {"model": "gpt-4o-mini", "provider": "openai"})})
	d := airlock.decision with input as inp
	d.allow == true
}

test_team_allowlist_rejects_other_model if {
	inp := object.union(with_team("support"), {"call": object.union(base_input.call, {"model": "gpt-4o", "provider": "openai"})})
	d := airlock.decision with input as inp
	d.allow == false
}

test_unknown_provider_denied if {
	d := airlock.decision with input as with_call({"provider": "shady-llm"})
	d.deny == [`provider "shady-llm" is not allowed`]
}

test_unknown_system_denied if {
	d := airlock.decision with input as with_call({"api": "http", "provider": "http", "model": "", "target": {"system": "mystery", "host": "mystery.internal", "path": "/", "method": "GET"}})
	`system "mystery" is not a known system` in d.deny
}
