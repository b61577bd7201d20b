package uploads

import "github.com/mirante/mirante/shared/territory"

// Territory completes a row's place as every engine lands it: its UF (the
// row's own, else the one its municipality code starts with) and the UF's
// region ("" for either when unknown).
func (r Row) Territory() (uf, region string) {
	uf = r.UF
	if uf == "" {
		if s, ok := territory.OfMunicipio(r.Municipio); ok {
			uf = s.Sigla
		}
	}
	return uf, territory.RegionOf(uf)
}

// isUF reports whether s is the two letters of a UF.
func isUF(s string) bool {
	_, ok := territory.BySigla(s)
	return ok
}
