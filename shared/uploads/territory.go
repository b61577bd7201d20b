package uploads

// regionOfUF is IBGE's grande região of each UF.
var regionOfUF = map[string]string{
	"AC": "Norte", "AM": "Norte", "AP": "Norte", "PA": "Norte", "RO": "Norte", "RR": "Norte", "TO": "Norte",
	"AL": "Nordeste", "BA": "Nordeste", "CE": "Nordeste", "MA": "Nordeste", "PB": "Nordeste", "PE": "Nordeste", "PI": "Nordeste", "RN": "Nordeste", "SE": "Nordeste",
	"ES": "Sudeste", "MG": "Sudeste", "RJ": "Sudeste", "SP": "Sudeste",
	"PR": "Sul", "RS": "Sul", "SC": "Sul",
	"DF": "Centro-Oeste", "GO": "Centro-Oeste", "MS": "Centro-Oeste", "MT": "Centro-Oeste",
}

// ufOfCode maps the first two digits of an IBGE municipality code to its UF.
var ufOfCode = map[string]string{
	"11": "RO", "12": "AC", "13": "AM", "14": "RR", "15": "PA", "16": "AP", "17": "TO",
	"21": "MA", "22": "PI", "23": "CE", "24": "RN", "25": "PB", "26": "PE", "27": "AL", "28": "SE", "29": "BA",
	"31": "MG", "32": "ES", "33": "RJ", "35": "SP", "41": "PR", "42": "SC", "43": "RS",
	"50": "MS", "51": "MT", "52": "GO", "53": "DF",
}

// Territory completes a row's place as every engine lands it: its UF (the
// row's own, else the one its municipality code starts with) and the UF's
// region ("" for either when unknown).
func (r Row) Territory() (uf, region string) {
	uf = r.UF
	if uf == "" && len(r.Municipio) >= 2 {
		uf = ufOfCode[r.Municipio[:2]]
	}
	return uf, regionOfUF[uf]
}
