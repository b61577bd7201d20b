package ingest

import (
	_ "github.com/mirante/mirante/shared/bigquery" // the production warehouse engine (WAREHOUSE_ENGINE=bigquery)
)
