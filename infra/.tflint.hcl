# tflint for Mirante's Terraform: only the terraform ruleset bundled inside tflint (no plugin is
# downloaded: `tflint --init` is never needed). infra/policy_test.go runs tflint v0.64.0 through
# `go run` on the root module and on every module under infra/modules, and fails on any finding.

config {
  format = "compact"
  # Local modules are read from their source directories; nothing to download.
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}
