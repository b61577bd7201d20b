package ingest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/ingest"
	"github.com/mirante/mirante/shared/ingest/delim"
	"github.com/mirante/mirante/shared/semantic"
)

// LGPD (Lei 13.709/2018): the marts, the only tables the app reads and
// tenants query, hold aggregates over places, periods and activities. No
// column may identify or describe a person. The check reads every place a
// mart column is declared: the DuckDB schema and models, the semantic
// catalog, and the BigQuery table schemas Terraform applies.

// personTokens are words that, as a whole '_'-separated part of a column
// name, mark personal data: documents (CPF, CNPJ of a person, PIS/PASEP,
// NIS, RG, CTPS, CNS), contact, birth, and the sensitive attributes of
// art. 5 II (race, health, ...).
var personTokens = map[string]bool{
	"cpf": true, "cnpj": true, "cnpjcpf": true, "pis": true, "pasep": true, "nis": true, "nit": true, "rg": true,
	"ctps": true, "cns": true, "titulo": true, "passaporte": true, "passport": true,
	"email": true, "mail": true, "telefone": true, "phone": true, "celular": true, "endereco": true, "address": true,
	"cep": true, "logradouro": true, "ip": true,
	"nascimento": true, "birth": true, "birthdate": true, "birthday": true, "dob": true, "idade": true, "age": true,
	"sexo": true, "sex": true, "gender": true, "genero": true, "raca": true, "racacor": true, "race": true, "etnia": true,
	"deficiencia": true, "disability": true, "religiao": true, "religion": true, "saude": true, "health": true,
	"salario": true, "salary": true, "trabalhador": true, "worker": true, "empregado": true, "employee": true,
	"pessoa": true, "person": true, "cidadao": true, "titular": true, "mae": true, "mother": true, "pai": true, "father": true,
	"sobrenome": true, "surname": true, "firstname": true, "lastname": true, "fullname": true,
}

// personNames are whole column names that hold a person's name: a place's
// or an activity's name is always qualified (municipio_nome, port_name).
var personNames = map[string]bool{"nome": true, "name": true, "nome_completo": true, "nome_social": true, "full_name": true, "first_name": true, "last_name": true}

// cagedMicrodata are the Novo CAGED movement columns (official layout,
// normalised) that describe the worker, the contract or the record. The
// loader aggregates them away; none may reach a mart.
var cagedMicrodata = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Split("subclasse;cbo2002ocupação;categoria;graudeinstrução;idade;horascontratuais;raçacor;sexo;"+
		"tipoempregador;tipoestabelecimento;tipodedeficiência;indtrabintermitente;indtrabparcial;salário;tamestabjan;"+
		"indicadoraprendiz;origemdainformação;competênciadec;competênciaexc;indicadordeexclusão;indicadordeforadoprazo;"+
		"unidadesaláriocódigo;valorsaláriofixo;tipomovimentação", ";") {
		m[delim.Name(c)] = true
	}
	return m
}()

// cagedFragments catch a CAGED attribute however a model renames it.
var cagedFragments = regexp.MustCompile(`idade|sexo|salario|raca|cbo|instrucao|deficien|horas|aprendiz|intermitente`)

// personal says why a column name identifies or describes a person, or "".
func personal(column string) string {
	n := delim.Name(column)
	if personNames[n] {
		return "a person's name"
	}
	if cagedMicrodata[n] {
		return "a CAGED microdata column"
	}
	for _, tok := range strings.Split(n, "_") {
		if personTokens[tok] {
			return "personal data (" + tok + ")"
		}
	}
	if f := cagedFragments.FindString(n); f != "" {
		return "a CAGED worker attribute (" + f + ")"
	}
	return ""
}

func TestPersonalDenyList(t *testing.T) {
	for _, c := range []string{"cpf", "cnpj_cpf", "nome", "Name", "email", "e_mail", "data_nascimento", "pis_pasep", "sexo",
		"raçacor", "valorsaláriofixo", "graudeinstrução", "cbo2002ocupação", "idade_media", "worker_id", "nome_trabalhador"} {
		if personal(c) == "" {
			t.Errorf("the deny-list lets %q through", c)
		}
	}
	for _, c := range []string{"municipio_nome", "regiao_imediata_nome", "cnae_section_name", "uf", "admissions", "net", "vl_fob_usd",
		"tenant_key", "port", "berthings", "pib_per_capita", "metric", "value", "month"} {
		if why := personal(c); why != "" {
			t.Errorf("the deny-list refuses the aggregate column %q: %s", c, why)
		}
	}
}

func TestNoMartColumnIdentifiesAPerson(t *testing.T) {
	found := map[string]string{} // "where: column" -> why
	seen := 0
	check := func(where, column string) {
		seen++
		if why := personal(column); why != "" {
			found[where+": "+column] = why
		}
	}

	// DuckDB: the schema and every mart model's DDL, as created.
	db := warehouse(t)
	names, err := ingest.Models("duckdb")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if !strings.HasPrefix(n, "ddl_marts_") {
			continue
		}
		q, err := ingest.Model("duckdb", n)
		if err != nil {
			t.Fatal(err)
		}
		for _, stmt := range strings.Split(q, ";") {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if _, err := db.Exec(stmt); err != nil {
				t.Fatalf("%s: %v", n, err)
			}
		}
	}
	rows, err := db.Query(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'marts'`)
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string]bool{}
	for rows.Next() {
		var tb, col string
		if err := rows.Scan(&tb, &col); err != nil {
			t.Fatal(err)
		}
		tables[tb] = true
		check("duckdb marts."+tb, col)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !tables["caged_monthly"] || len(tables) < 6 {
		t.Fatalf("the DuckDB marts hold only %v", tables)
	}

	// The mart models of both dialects, as text: no CAGED attribute is
	// selected into a mart under any alias.
	for _, dialect := range []string{"duckdb", "bigquery"} {
		names, err := ingest.Models(dialect)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if !strings.HasPrefix(n, "marts_") && !strings.HasPrefix(n, "ddl_marts_") {
				continue
			}
			q, err := ingest.Model(dialect, n)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`).FindAllString(q, -1) {
				n := delim.Name(id)
				if cagedMicrodata[n] || n == "cpf" || n == "cnpj" || n == "email" {
					found[dialect+" model "+n+": "+id] = "names a personal column"
				}
			}
		}
	}

	// The semantic catalog: every column a query can reach.
	cat, err := semantic.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range cat.Datasets() {
		for _, dim := range d.Dimensions {
			check("catalog "+d.ID+" dimension", dim.ID)
			check("catalog "+d.ID+" dimension column", dim.Column)
			if dim.Label != "" {
				check("catalog "+d.ID+" label", dim.Label)
			}
		}
		for _, m := range d.Measures {
			check("catalog "+d.ID+" measure", m.ID)
			for _, c := range []string{m.Column, m.Numerator, m.Denominator} {
				if c != "" {
					check("catalog "+d.ID+" measure column", c)
				}
			}
		}
	}

	// BigQuery: the table schemas Terraform applies.
	files, err := filepath.Glob(filepath.Join("..", "..", "infra", "modules", "bigquery", "schemas", "*.json"))
	if err != nil || len(files) < 6 {
		t.Fatalf("BigQuery schemas: %v %v", files, err)
	}
	type field struct {
		Name   string  `json:"name"`
		Fields []field `json:"fields"`
	}
	var walk func(where string, fs []field)
	walk = func(where string, fs []field) {
		for _, f := range fs {
			check(where, f.Name)
			walk(where+"."+f.Name, f.Fields)
		}
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var fs []field
		if err := json.Unmarshal(b, &fs); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		walk("bigquery "+filepath.Base(p), fs)
	}

	if seen < 100 {
		t.Fatalf("only %d columns checked: a source of mart columns was not read", seen)
	}
	if len(found) > 0 {
		keys := make([]string, 0, len(found))
		for k := range found {
			keys = append(keys, k+" ("+found[k]+")")
		}
		sort.Strings(keys)
		t.Fatalf("mart columns that identify or describe a person:\n%s", strings.Join(keys, "\n"))
	}
}
