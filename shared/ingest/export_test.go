package ingest

// DropAfterModels makes the source's loads run stmt once their models
// ran, in the same transaction: a model that loses rows, for the tests of
// the published check. It returns the undo.
func DropAfterModels(source, stmt string) (undo func()) {
	orig := loaders[source]
	loaders[source] = func(j *job) error {
		if err := orig(j); err != nil {
			return err
		}
		finish := j.finish
		j.finish = func() error {
			if err := finish(); err != nil {
				return err
			}
			return j.sess.Run(j.ctx, "test drop", stmt)
		}
		return nil
	}
	return func() { loaders[source] = orig }
}

// The texts the loaders' refusals share with their check models.
var (
	ComexMunUnmapped   = comexMunUnmapped
	ComexMunWithoutSQL = comexMunWithoutSQL()
	CheckColumns       = map[string]string{"check_caged_mapped": cagedMunicipioColumn, "check_pib_mapped": pibNameColumn, "check_siconfi_mapped": siconfiCodeColumn, "check_comex_mun_mapped": "CO_MUN"}
)
