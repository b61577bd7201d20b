package ingest

import (
	"archive/zip"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/mirante/mirante/shared/ingest/delim"
	brazil "github.com/mirante/mirante/shared/territory"
)

// ANTAQ Estatístico Aquaviário (see ../shared/data/antaq/FORMAT.md): the
// yearly <ano>Atracacao.txt (one row per berthing) and <ano>Carga.txt (one
// row per cargo line of a berthing, joined on IDAtracacao). UTF-8 with BOM,
// CRLF, ';', quotes only around values holding ';', dates dd/mm/yyyy
// HH:MM:SS, decimal comma. Columns are read by name; a column the layout
// does not know, or a required one missing, is a schema break; so is a
// navigation type, cargo nature or direction outside ANTAQ's lists.
//
// Load takes the two files together, as a zip holding both (the yearly
// download is such a zip; other entries, like TemposAtracacao, are
// ignored): a mart cell needs the berthing's port, UF and month and the
// cargo's nature, direction and weight.
//
// The mart counts tonnes (VLPesoCargaBruta) and TEU of the cargo lines
// that are cargo handling (FlagMCOperacaoCarga = 1) in Embarcados or
// Desembarcados (Não Informado stays in core only). Each berthing counts
// once, in the cell of its heaviest handled cargo line, so berthings add up
// across any dimension.

var antaqAtracacaoContract = &Contract{Source: "antaq", Layout: "atracacao", Mark: delim.Comma, Columns: append([]Column{
	{Name: "IDAtracacao", Kind: Int},
	{Name: "Porto Atracação", Kind: Text},
	{Name: "Ano", Kind: Int},
	{Name: "Mes", Kind: Text},
	{Name: "Tipo de Navegação da Atracação", Kind: Text},
	{Name: "SGUF", Kind: Text},
	{Name: "Data Atracação", Kind: Text},
	{Name: "Complexo Portuário", Kind: Text, Nullable: true},
	{Name: "Município", Kind: Text, Nullable: true},
},
	// Read by name only, to know the layout.
	optional(
		"CDTUP", "IDBerco", "Berço", "Coordenadas", "Apelido Instalação Portuária", "Tipo da Autoridade Portuária",
		"Data Chegada", "Data Desatracação", "Data Início Operação", "Data Término Operação", "Tipo de Operação",
		"Nacionalidade do Armador", "FlagMCOperacaoAtracacao", "Terminal", "UF", "Região Geográfica",
		"Região Hidrográfica", "Instalação Portuária em Rio", "Nº da Capitania", "Nº do IMO",
	)...)}

var antaqCargaContract = &Contract{Source: "antaq", Layout: "carga", Mark: delim.Comma, Columns: append([]Column{
	{Name: "IDCarga", Kind: Int},
	{Name: "IDAtracacao", Kind: Int},
	{Name: "Tipo Navegação", Kind: Text},
	{Name: "FlagMCOperacaoCarga", Kind: Int},
	{Name: "Natureza da Carga", Kind: Text},
	{Name: "Sentido", Kind: Text},
	{Name: "TEU", Kind: Decimal},
	{Name: "QTCarga", Kind: Decimal},
	{Name: "VLPesoCargaBruta", Kind: Decimal},
},
	// Read by name only, to know the layout.
	optional(
		"Origem", "Destino", "CDMercadoria", "Tipo Operação da Carga", "Carga Geral Acondicionamento",
		"ConteinerEstado", "FlagAutorizacao", "FlagCabotagem", "FlagCabotagemMovimentacao", "FlagConteinerTamanho",
		"FlagLongoCurso", "FlagOffshore", "FlagTransporteViaInterioir", "Percurso Transporte em vias Interiores",
		"Percurso Transporte Interiores", "STNaturezaCarga", "STSH2", "STSH4",
	)...)}

// The catalog's enum values (shared/semantic/catalog/antaq_monthly.json)
// for ANTAQ's labels, keyed by delim.Name of the label.
var (
	antaqNavTypes = map[string]string{
		"longo_curso": "longo_curso", "cabotagem": "cabotagem", "interior": "interior",
		"apoio_maritimo": "apoio_maritimo", "apoio_portuario": "apoio_portuario",
	}
	antaqNatures = map[string]string{
		"granel_solido": "granel_solido", "granel_liquido_e_gasoso": "granel_liquido", "granel_liquido": "granel_liquido",
		"carga_geral": "carga_geral", "carga_conteinerizada": "conteiner",
	}
	antaqDirections = map[string]string{
		"embarcados": "embarque", "desembarcados": "desembarque", "nao_informado": "",
	}
	ptMonthAbbr = map[string]int{"jan": 1, "fev": 2, "mar": 3, "abr": 4, "mai": 5, "jun": 6,
		"jul": 7, "ago": 8, "set": 9, "out": 10, "nov": 11, "dez": 12}
)

func loadANTAQ(j *job) error {
	j.Layout = "atracacao_carga_zip"
	if !strings.EqualFold(path.Ext(j.File), ".zip") {
		return j.contractErr(0, "", "ANTAQ takes a zip holding <ano>Atracacao.txt and <ano>Carga.txt together (a berthing and its cargo make one mart cell)")
	}
	zr, cleanup, err := spoolZip(j)
	if err != nil {
		return err
	}
	defer cleanup()
	var atracacao, carga *zip.File
	for _, e := range zr.File {
		base := strings.ToLower(path.Base(e.Name))
		switch {
		case strings.HasSuffix(base, "atracacao.txt") && !strings.Contains(base, "tempos"):
			atracacao = e
		case strings.HasSuffix(base, "carga.txt"):
			carga = e
		}
	}
	if atracacao == nil || carga == nil {
		return j.contractErr(0, "", "the zip must hold <ano>Atracacao.txt and <ano>Carga.txt")
	}
	if err := j.runModels("landing_antaq_atracacao", "landing_antaq_carga"); err != nil {
		return err
	}
	berthings := map[int64]struct{}{}
	if err := readAtracacao(j, atracacao, berthings); err != nil {
		return err
	}
	orphan, err := readCarga(j, carga, berthings)
	if err != nil {
		return err
	}
	// Every cargo line belongs to a berthing of the same zip (checked in
	// Go, so that no engine needs the rows landed to refuse the file).
	if orphan.line > 0 {
		return &ContractError{Source: "antaq", File: j.File + ":" + carga.Name, Line: orphan.line, Column: "IDAtracacao",
			Reason: fmt.Sprintf("%d is not a berthing of %s", orphan.id, atracacao.Name)}
	}
	j.finish = func() error {
		return j.runModels("ref_dim_uf", "staging_antaq_carga", "ddl_core_fact_antaq_carga", "core_fact_antaq_carga", "ddl_marts_antaq_monthly", "marts_antaq_monthly")
	}
	return nil
}

func antaqReader(j *job, e *zip.File, c *Contract) (*delim.Reader, *binding, func(), error) {
	rc, err := openZipEntry(j, e)
	if err != nil {
		return nil, nil, nil, err
	}
	text, _, err := delim.Decode(rc, delim.UTF8)
	if err != nil {
		rc.Close()
		return nil, nil, nil, err
	}
	rd := delim.NewReader(text, ';')
	header, err := rd.Read()
	if err != nil {
		rc.Close()
		return nil, nil, nil, &ContractError{Source: "antaq", File: j.File + ":" + e.Name, Line: 1, Reason: "no header line"}
	}
	b, err := c.bind(j.File+":"+e.Name, rd.Line(), header)
	if err != nil {
		rc.Close()
		return nil, nil, nil, err
	}
	return rd, b, func() { rc.Close() }, nil
}

// orphanCargo is the first cargo line whose berthing is not in the zip.
type orphanCargo struct {
	line int
	id   int64
}

func readAtracacao(j *job, e *zip.File, berthings map[int64]struct{}) error {
	rd, b, done, err := antaqReader(j, e, antaqAtracacaoContract)
	if err != nil {
		return err
	}
	defer done()
	l, err := j.land("antaq_atracacao", "id_atracacao", "porto", "sguf", "municipio", "complexo", "ano", "mes", "month",
		"tipo_navegacao", "nav_type", "data_atracacao")
	if err != nil {
		return err
	}
	l.reference = true // the cargo lines are the facts; a berthing is their month, port and UF
	return j.landEach(rd, b, l, func(r *row) error {
		id, porto, ano, mes, nav, uf, data := r.int(0), r.text(1), r.int(2), r.text(3), r.text(4), strings.ToUpper(r.text(5)), r.text(6)
		if err := r.err(); err != nil {
			return err
		}
		month, ok := ptMonthAbbr[delim.Name(mes)]
		if !ok {
			n, err := strconv.Atoi(mes)
			if err != nil || n < 1 || n > 12 {
				r.fail(3, "not a month (jan..dez or 1..12): %q", mes)
			}
			month = n
		}
		navType, ok := antaqNavTypes[delim.Name(nav)]
		if !ok {
			r.fail(4, "not an ANTAQ navigation type: %q", nav)
		}
		if _, ok := brazil.BySigla(uf); !ok {
			r.fail(5, "not a UF: %q", uf)
		}
		if _, err := time.Parse("02/01/2006 15:04:05", data); err != nil {
			r.fail(6, "not a date dd/mm/yyyy HH:MM:SS: %q", data)
		}
		if err := r.err(); err != nil {
			return err
		}
		m := time.Date(int(ano), time.Month(month), 1, 0, 0, 0, 0, time.UTC)
		j.addPeriod(m.Format("2006-01"))
		berthings[id] = struct{}{}
		return l.add(r.line, id, porto, uf, nullable(r.text(8)), nullable(r.text(7)), ano, mes, m, nav, navType, data)
	})
}

func readCarga(j *job, e *zip.File, berthings map[int64]struct{}) (orphanCargo, error) {
	var orphan orphanCargo
	rd, b, done, err := antaqReader(j, e, antaqCargaContract)
	if err != nil {
		return orphan, err
	}
	defer done()
	l, err := j.land("antaq_carga", "id_carga", "id_atracacao", "tipo_navegacao", "nav_type", "natureza", "cargo_nature",
		"sentido", "direction", "flag_mc", "teu", "qt_carga", "peso_bruto")
	if err != nil {
		return orphan, err
	}
	err = j.landEach(rd, b, l, func(r *row) error {
		idc, ida, nav, flag, nat, sent := r.int(0), r.int(1), r.text(2), r.int(3), r.text(4), r.text(5)
		teu, qt, peso := r.decimal(6), r.decimal(7), r.decimal(8)
		navType, ok := antaqNavTypes[delim.Name(nav)]
		if !ok {
			r.fail(2, "not an ANTAQ navigation type: %q", nav)
		}
		nature, ok := antaqNatures[delim.Name(nat)]
		if !ok {
			r.fail(4, "not an ANTAQ cargo nature: %q", nat)
		}
		dir, ok := antaqDirections[delim.Name(sent)]
		if !ok {
			r.fail(5, "not Embarcados, Desembarcados or Não Informado: %q", sent)
		}
		if flag != 0 && flag != 1 {
			r.fail(3, "must be 0 or 1: %d", flag)
		}
		if err := r.err(); err != nil {
			return err
		}
		if _, ok := berthings[ida]; !ok && orphan.line == 0 {
			orphan = orphanCargo{line: r.line, id: ida}
		}
		return l.add(r.line, idc, ida, nav, navType, nat, nature, sent, nullable(dir), flag, teu, qt, peso)
	})
	return orphan, err
}
