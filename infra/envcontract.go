package infra

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// EnvVar is one variable Terraform sets on a deployable's container.
type EnvVar struct {
	Name string
	// Value is the value when Terraform writes it as a literal string.
	Value   string
	Literal bool
	// Expr is the value's source text (for a secret, the secret's id).
	Expr   string
	Secret bool // mounted from Secret Manager
}

// DeployableEnv returns the variables that Terraform sets on the container of
// the deployable named name (see Deployables): every env block, static or
// dynamic. A dynamic block's for_each may be a local, an object or merge() of
// those; anything else is an error, so that no variable goes unseen.
func (c *Config) DeployableEnv(name string) (map[string]EnvVar, error) {
	var res Block
	found := false
	for _, d := range Deployables {
		if d.Name != name {
			continue
		}
		typ, tmpl := "google_cloud_run_v2_service", []string{"template", "containers"}
		if d.Job {
			typ, tmpl = "google_cloud_run_v2_job", []string{"template", "template", "containers"}
		}
		for _, b := range c.Resources(typ) {
			if b.Labels[1] == d.Resource {
				res, found = b, true
			}
		}
		if !found {
			return nil, fmt.Errorf("deployable %s: no %s.%s", name, typ, d.Resource)
		}
		body := res.Body
		for _, step := range tmpl {
			bs := blocks(body, step)
			if len(bs) != 1 {
				return nil, fmt.Errorf("%s: want one %s block, found %d", res.Pos(), step, len(bs))
			}
			body = bs[0]
		}
		return res.Module.containerEnv(body)
	}
	return nil, fmt.Errorf("no deployable %q", name)
}

func (m *Module) containerEnv(container *hclsyntax.Body) (map[string]EnvVar, error) {
	out := map[string]EnvVar{}
	add := func(v EnvVar, r hcl.Range) error {
		if _, dup := out[v.Name]; dup {
			return fmt.Errorf("%s:%d: %s is set twice", r.Filename, r.Start.Line, v.Name)
		}
		out[v.Name] = v
		return nil
	}
	for _, b := range container.Blocks {
		switch {
		case b.Type == "env":
			name, ok := literalString(attrExpr(b.Body.Attributes["name"]))
			if !ok {
				return nil, fmt.Errorf("%s:%d: env name is not a literal", b.DefRange().Filename, b.DefRange().Start.Line)
			}
			v := EnvVar{Name: name, Secret: hasBlock(b.Body, "value_source")}
			if e := attrExpr(b.Body.Attributes["value"]); e != nil {
				v.Value, v.Literal = literalString(e)
				v.Expr = m.source(e)
			}
			if err := add(v, b.DefRange()); err != nil {
				return nil, err
			}
		case b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == "env":
			forEach := attrExpr(b.Body.Attributes["for_each"])
			items, err := m.objectItems(forEach, 0)
			if err != nil {
				return nil, err
			}
			secret := false
			for _, c := range b.Body.Blocks {
				if c.Type == "content" && hasBlock(c.Body, "value_source") {
					secret = true
				}
			}
			for _, name := range sortedKeys(items) {
				v := EnvVar{Name: name, Secret: secret, Expr: m.source(items[name])}
				v.Value, v.Literal = literalString(items[name])
				if err := add(v, forEach.Range()); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

// objectItems resolves an object-valued expression made of locals, object
// literals and merge() into its keys and value expressions.
func (m *Module) objectItems(e hclsyntax.Expression, depth int) (map[string]hclsyntax.Expression, error) {
	if e == nil {
		return nil, fmt.Errorf("no expression")
	}
	at := func() string { return fmt.Sprintf("%s:%d", e.Range().Filename, e.Range().Start.Line) }
	if depth > 10 {
		return nil, fmt.Errorf("%s: locals nest too deep", at())
	}
	switch x := e.(type) {
	case *hclsyntax.ObjectConsExpr:
		out := map[string]hclsyntax.Expression{}
		for _, item := range x.Items {
			key, ok := objectKey(item.KeyExpr)
			if !ok {
				return nil, fmt.Errorf("%s: a key that is not a literal", at())
			}
			out[key] = item.ValueExpr
		}
		return out, nil
	case *hclsyntax.FunctionCallExpr:
		if x.Name != "merge" {
			return nil, fmt.Errorf("%s: %s() cannot be resolved", at(), x.Name)
		}
		out := map[string]hclsyntax.Expression{}
		for _, arg := range x.Args {
			items, err := m.objectItems(arg, depth+1)
			if err != nil {
				return nil, err
			}
			for k, v := range items {
				out[k] = v
			}
		}
		return out, nil
	case *hclsyntax.ScopeTraversalExpr:
		t := x.Traversal
		if t.RootName() == "local" && len(t) == 2 {
			if a, ok := t[1].(hcl.TraverseAttr); ok {
				if l := m.locals()[a.Name]; l != nil {
					return m.objectItems(l.Expr, depth+1)
				}
				return nil, fmt.Errorf("%s: undeclared local.%s", at(), a.Name)
			}
		}
	}
	return nil, fmt.Errorf("%s: cannot resolve %T to an object", at(), e)
}

func objectKey(e hclsyntax.Expression) (string, bool) {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		if name := hcl.ExprAsKeyword(k.Wrapped); name != "" && !k.ForceNonLiteral {
			return name, true
		}
		e = k.Wrapped
	}
	return literalString(e)
}

// source is an expression's text, from whichever file of the module holds it.
func (m *Module) source(e hclsyntax.Expression) string {
	for _, f := range m.Files {
		if f.Path == e.Range().Filename {
			return text(f, e.Range())
		}
	}
	return ""
}
