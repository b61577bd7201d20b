package ingest

import "fmt"

// territoryFirst begins the refusal of a file whose municipalities only the
// territorial table resolves, when that table was never loaded; each source
// adds its reason. It holds no single quote: BigQuery's checks put it in a
// string literal.
const territoryFirst = "load ibge_territorio first: make ingest SOURCE=ibge_territorio FILE=<the IBGE RELATORIO_DTB_BRASIL_MUNICIPIO CSV>"

// territoryMissingBigQuery holds, inside a load's BigQuery script, when the
// territorial table was never loaded.
const territoryMissingBigQuery = "(SELECT COUNT(*) FROM landing.ingest_files WHERE source = 'ibge_territorio') = 0"

// requireTerritory refuses the DuckDB load with refusal when the
// territorial table was never loaded.
func requireTerritory(j *job, refusal string) error {
	var loads int
	if err := j.conn.QueryRowContext(j.ctx, `SELECT count(*) FROM landing.ingest_files WHERE source = 'ibge_territorio'`).Scan(&loads); err != nil {
		return fmt.Errorf("checking the territorial table: %w", err)
	}
	if loads == 0 {
		return j.contractErr(0, "", "%s", refusal)
	}
	return nil
}
