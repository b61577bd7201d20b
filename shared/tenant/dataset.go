package tenant

import "regexp"

// DatasetPrefix begins the warehouse dataset of every dataset-mode org. No
// such org can name a dataset of the warehouse's own (marts, landing, core)
// or any other the platform did not make for a tenant.
const DatasetPrefix = "tenant_"

// datasetRe is the form orgs.warehouse_dataset's CHECK and the
// tenant_datasets validation of infra/modules/bigquery also hold.
var datasetRe = regexp.MustCompile(`^tenant_[a-z0-9_]{1,120}$`)

// ValidDataset reports whether name may be an org's warehouse dataset:
// DatasetPrefix, then 1 to 120 of a-z, 0-9 and _. Each dataset belongs to
// one org (orgs.warehouse_dataset is unique).
func ValidDataset(name string) bool { return datasetRe.MatchString(name) }
