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
