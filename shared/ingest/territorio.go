package ingest

import (
	"github.com/mirante/mirante/shared/ingest/delim"
	brazil "github.com/mirante/mirante/shared/territory"
)

// The IBGE DTB report "RELATORIO_DTB_BRASIL_MUNICIPIO" as CSV: one row per
// municipality with its UF, intermediate and immediate regions (and the
// older meso/microregions), codes as text.
var dtbContract = &Contract{Source: "ibge_territorio", Layout: "dtb_municipio", Columns: []Column{
	{Name: "UF", Kind: Code, Width: 2},
	{Name: "Nome_UF", Kind: Text},
	{Name: "Região Geográfica Intermediária", Kind: Code, Width: 4},
	{Name: "Nome Região Geográfica Intermediária", Kind: Text},
	{Name: "Região Geográfica Imediata", Kind: Code, Width: 6},
	{Name: "Nome Região Geográfica Imediata", Kind: Text},
	{Name: "Mesorregião Geográfica", Kind: Code, Width: 2, Optional: true},
	{Name: "Nome_Mesorregião", Kind: Text, Optional: true},
	{Name: "Microrregião Geográfica", Kind: Code, Width: 3, Optional: true},
	{Name: "Nome_Microrregião", Kind: Text, Optional: true},
	{Name: "Município", Kind: Code, Width: 5},
	{Name: "Código Município Completo", Kind: Code, Width: 7},
	{Name: "Nome_Município", Kind: Text},
}}

const (
	dtbUF = iota
	dtbUFNome
	dtbRGInt
	dtbRGIntNome
	dtbRGIme
	dtbRGImeNome
	dtbMeso
	dtbMesoNome
	dtbMicro
	dtbMicroNome
	dtbMun5
	dtbMun
	dtbMunNome
)

// The community table kelvins/municipios-brasileiros (municipios.csv): a
// secondary format with the 7-digit code, name, UF code and capital flag,
// but no regions. Loading it adds or renames municipalities and keeps the
// regions a DTB load gave.
var kelvinsContract = &Contract{Source: "ibge_territorio", Layout: "kelvins_municipios", Extra: true, Mark: delim.Point, Columns: []Column{
	{Name: "codigo_ibge", Kind: Code, Width: 7},
	{Name: "nome", Kind: Text},
	{Name: "capital", Kind: Int},
	{Name: "codigo_uf", Kind: Code, Width: 2},
}}

func loadTerritorio(j *job) error {
	rd, header, err := j.openDelimited(j.in, delim.Auto, 0)
	if err != nil {
		return err
	}
	c := dtbContract
	if kelvinsContract.matches(header) && !dtbContract.matches(header) {
		c = kelvinsContract
	}
	if j.Params.Layout != "" {
		switch j.Params.Layout {
		case "dtb_municipio":
			c = dtbContract
		case "kelvins_municipios":
			c = kelvinsContract
		default:
			return j.contractErr(0, "", "unknown layout %q", j.Params.Layout)
		}
	}
	j.Layout = c.Layout
	b, err := c.bind(j.File, rd.Line(), header)
	if err != nil {
		return err
	}
	if c == kelvinsContract {
		return loadKelvins(j, rd, b)
	}
	return loadDTB(j, rd, b)
}

func loadDTB(j *job, rd *delim.Reader, b *binding) error {
	if err := j.runModels("landing_ibge_dtb"); err != nil {
		return err
	}
	l, err := j.land("ibge_dtb", "uf_code", "uf_nome", "rgint", "rgint_nome", "rgime", "rgime_nome",
		"meso", "meso_nome", "micro", "micro_nome", "municipio5", "municipio", "municipio_nome", "name_key")
	if err != nil {
		return err
	}
	err = j.landEach(rd, b, l, func(r *row) error {
		uf, mun5, mun := r.code(dtbUF), r.code(dtbMun5), r.code(dtbMun)
		nome := r.text(dtbMunNome)
		if err := r.err(); err != nil {
			return err
		}
		if mun[:2] != uf || mun[2:] != mun5 {
			return j.contractErr(r.line, dtbContract.Columns[dtbMun].Name, "%s is not UF %s followed by the municipality code %s", mun, uf, mun5)
		}
		if _, ok := brazil.ByCode(uf); !ok {
			return j.contractErr(r.line, "UF", "unknown UF code %q", uf)
		}
		if d, _ := delim.IBGECheckDigit(mun[:6]); d != mun[6] {
			j.note("municipality %s (%s) does not follow IBGE's check-digit rule (a known exception)", mun, nome)
		}
		vals := []any{uf, r.text(dtbUFNome), r.code(dtbRGInt), r.text(dtbRGIntNome), r.code(dtbRGIme), r.text(dtbRGImeNome),
			nullable(r.code(dtbMeso)), nullable(r.text(dtbMesoNome)), nullable(r.code(dtbMicro)), nullable(r.text(dtbMicroNome)),
			mun5, mun, nome, delim.Name(nome)}
		if err := r.err(); err != nil {
			return err
		}
		return l.add(r.line, vals...)
	})
	if err != nil {
		return err
	}
	if j.Report.RowsRead == 0 {
		return j.contractErr(0, "", "no municipality rows")
	}
	j.finish = func() error {
		return j.runModels(append([]string{"ref_dim_uf", "staging_ibge_dtb", "ddl_core_dim_municipio", "ddl_core_municipio_name",
			"core_dim_municipio_dtb", "core_municipio_name_dtb"}, j.dependentRefreshes()...)...)
	}
	return nil
}

func loadKelvins(j *job, rd *delim.Reader, b *binding) error {
	if err := j.runModels("landing_ibge_kelvins"); err != nil {
		return err
	}
	l, err := j.land("ibge_kelvins", "municipio", "municipio_nome", "uf_code", "capital", "name_key")
	if err != nil {
		return err
	}
	err = j.landEach(rd, b, l, func(r *row) error {
		mun, uf, nome, capital := r.code(0), r.code(3), r.text(1), r.int(2)
		if err := r.err(); err != nil {
			return err
		}
		if mun[:2] != uf {
			return j.contractErr(r.line, "codigo_ibge", "%s is not in UF %s", mun, uf)
		}
		if _, ok := brazil.ByCode(uf); !ok {
			return j.contractErr(r.line, "codigo_uf", "unknown UF code %q", uf)
		}
		return l.add(r.line, mun, nome, uf, capital == 1, delim.Name(nome))
	})
	if err != nil {
		return err
	}
	j.finish = func() error {
		return j.runModels(append([]string{"ref_dim_uf", "staging_ibge_kelvins", "ddl_core_dim_municipio", "ddl_core_municipio_name",
			"core_dim_municipio_kelvins", "core_municipio_name_kelvins"}, j.dependentRefreshes()...)...)
	}
	return nil
}

// nullable turns an empty optional value into NULL.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ufByName finds a UF by its name, accents and case aside.
func ufByName(name string) (brazil.State, bool) {
	k := delim.Name(name)
	for _, u := range brazil.States() {
		if delim.Name(u.Name) == k {
			return u, true
		}
	}
	return brazil.State{}, false
}
