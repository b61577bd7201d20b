package leak

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// signIn returns an ID token for the tenant.
func (s *suite) signIn(ctx context.Context, t Tenant) (string, error) {
	if t.Token != "" {
		return t.Token, nil
	}
	var endpoint string
	switch {
	case s.cfg.AuthEmulator != "":
		endpoint = "http://" + s.cfg.AuthEmulator + "/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=leaktest"
	case s.cfg.FirebaseAPIKey != "":
		endpoint = "https://identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=" + url.QueryEscape(s.cfg.FirebaseAPIKey)
	default:
		return "", fmt.Errorf("no token, and neither an Auth emulator nor a Firebase API key to sign in with")
	}
	r, err := s.call(ctx, "", "POST", endpoint, map[string]any{"email": t.Email, "password": t.Password, "returnSecureToken": true})
	if err != nil {
		return "", err
	}
	var out struct {
		IDToken string `json:"idToken"`
	}
	if r.status != http.StatusOK || json.Unmarshal(r.body, &out) != nil || out.IDToken == "" {
		return "", fmt.Errorf("signing in: %d", r.status)
	}
	return out.IDToken, nil
}

// prepare signs the tenant in and makes it own one of everything it may.
func (s *suite) prepare(ctx context.Context, t Tenant) (*owned, error) {
	tok, err := s.signIn(ctx, t)
	if err != nil {
		return nil, err
	}
	rnd := make([]byte, 6)
	_, _ = rand.Read(rnd)
	o := &owned{t: t, token: tok, marker: "leaktest_" + hex.EncodeToString(rnd)}
	base := "/v1/orgs/" + t.Org

	r, err := s.call(ctx, tok, "GET", base, nil)
	if err != nil {
		return nil, err
	}
	var org struct{ ID, Role string }
	if r.status != http.StatusOK || json.Unmarshal(r.body, &org) != nil || org.ID == "" {
		return nil, fmt.Errorf("GET %s: %d (is %s a member?)", base, r.status, t.Email)
	}
	o.orgID = org.ID
	writer := org.Role != "viewer"
	admin := org.Role == "admin" || org.Role == "owner"
	o.admin = admin

	if admin && s.cfg.Uploads {
		csv := "month;uf;metric;value\n2025-01;SP;" + o.marker + ";1\n"
		r, err := s.rawPost(ctx, tok, base+"/uploads?name=leaktest.csv", "text/csv", csv)
		if err != nil {
			return nil, err
		}
		var up struct{ ID string }
		if r.status/100 != 2 || json.Unmarshal(r.body, &up) != nil {
			return nil, fmt.Errorf("upload: %d %.200s", r.status, r.body)
		}
		o.uploadID = up.ID
		// The file loads asynchronously (the bucket's notification, then
		// the ingest function); its marker must be in the warehouse before
		// the others' answers are scanned for it.
		if err := s.awaitUpload(ctx, tok, base+"/uploads/"+up.ID); err != nil {
			return nil, err
		}
	}
	if !writer {
		return nil, fmt.Errorf("%s is a viewer in %s: the suite needs analysts, admins or owners, who can own objects", t.Email, t.Org)
	}
	for i, name := range []string{o.marker + " view", o.marker + " view 2"} {
		r, err := s.call(ctx, tok, "POST", base+"/views", map[string]any{
			"name": name, "visibility": "private",
			"config": map[string]any{"dataset": "tenant_metrics", "measures": []string{"value"}, "dimensions": []string{"metric"}},
		})
		if err != nil {
			return nil, err
		}
		var v struct{ ID string }
		if r.status != http.StatusCreated || json.Unmarshal(r.body, &v) != nil {
			return nil, fmt.Errorf("creating a view: %d %.200s", r.status, r.body)
		}
		if i == 0 {
			o.viewID, o.viewName = v.ID, name
		}
		o.ids = append(o.ids, v.ID)
	}
	s.prepareDashboard(ctx, o, base)
	if r, err = s.call(ctx, tok, "GET", base+"/views?limit=1", nil); err == nil {
		var l struct {
			NextCursor string `json:"next_cursor"`
		}
		_ = json.Unmarshal(r.body, &l)
		o.listCursor = l.NextCursor
	}
	// A query answer of more than one page gives a result cursor.
	if r, err = s.call(ctx, tok, "POST", base+"/query?page_size=1", `{"dataset":"tenant_metrics","measures":["value"],"dimensions":["metric","month"]}`); err == nil {
		var a struct {
			NextCursor string `json:"next_cursor"`
		}
		_ = json.Unmarshal(r.body, &a)
		o.queryCursor = a.NextCursor
	}
	if r, err = s.call(ctx, tok, "GET", base+"/datasets/tenant_metrics/values?field=metric", nil); err == nil {
		var v struct{ Data []struct{ Value string } }
		_ = json.Unmarshal(r.body, &v)
		for _, x := range v.Data {
			o.metrics = append(o.metrics, x.Value)
		}
	}
	r, err = s.call(ctx, tok, "POST", base+"/reports", map[string]any{"format": "html", "view_id": o.viewID})
	if err != nil {
		return nil, err
	}
	var rep struct {
		ID, Status  string
		DownloadURL string `json:"download_url"`
	}
	if r.status != http.StatusAccepted || json.Unmarshal(r.body, &rep) != nil {
		return nil, fmt.Errorf("ordering a report: %d %.200s", r.status, r.body)
	}
	o.reportID = rep.ID
	// The download URL comes once the report is rendered; a deployment
	// without a worker running leaves it out of the probes.
	deadline := time.Now().Add(90 * time.Second)
	for rep.Status != "succeeded" && rep.Status != "failed" && time.Now().Before(deadline) {
		select {
		case <-time.After(time.Second): // polling the report, as a client does
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if r, err = s.call(ctx, tok, "GET", base+"/reports/"+rep.ID, nil); err != nil {
			return nil, err
		}
		_ = json.Unmarshal(r.body, &rep)
	}
	o.downloadURL = rep.DownloadURL
	r, err = s.call(ctx, tok, "POST", base+"/schedules", map[string]any{"name": o.marker + " schedule", "cron": "0 6 * * 1", "format": "pdf", "view_id": o.viewID})
	if err != nil {
		return nil, err
	}
	var sc struct{ ID string }
	if r.status == http.StatusCreated && json.Unmarshal(r.body, &sc) == nil {
		o.scheduleID = sc.ID
	}
	o.ids = append(o.ids, o.orgID, o.reportID, o.uploadID, o.scheduleID)
	if o.downloadURL != "" {
		if u, err := url.Parse(o.downloadURL); err == nil {
			o.ids = append(o.ids, u.Path)
		}
	}
	var kept []string
	for _, id := range o.ids {
		if strings.TrimSpace(id) != "" {
			kept = append(kept, id)
		}
	}
	o.ids = kept
	return o, nil
}

func (s *suite) rawPost(ctx context.Context, token, path, contentType, body string) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", strings.TrimRight(s.cfg.BaseURL, "/")+path, strings.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	resp, err := s.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	return answer{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// cleanup deletes the views, dashboards and schedules the suite created; reports and
// uploads stay, as the records they are.
func (s *suite) cleanup(ctx context.Context, o *owned) {
	base := "/v1/orgs/" + o.t.Org
	if o.scheduleID != "" {
		_, _ = s.call(ctx, o.token, "DELETE", base+"/schedules/"+o.scheduleID, nil)
	}
	if o.dashboardID != "" { // first: a view a dashboard shows is not deleted
		_, _ = s.call(ctx, o.token, "DELETE", base+"/dashboards/"+o.dashboardID, nil)
	}
	for _, id := range o.ids {
		if strings.Count(id, "-") == 4 && id != o.orgID && id != o.reportID && id != o.uploadID && id != o.scheduleID && id != o.dashboardID {
			_, _ = s.call(ctx, o.token, "DELETE", base+"/views/"+id, nil)
		}
	}
}

// awaitUpload waits until the upload is loaded, asking every half second for
// at most a minute.
func (s *suite) awaitUpload(ctx context.Context, tok, u string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		r, err := s.call(ctx, tok, "GET", u, nil)
		if err != nil {
			return err
		}
		var up struct{ Status, Error string }
		_ = json.Unmarshal(r.body, &up)
		switch up.Status {
		case "loaded":
			return nil
		case "failed":
			return fmt.Errorf("the upload failed to load: %s", up.Error)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the upload %s was not loaded within a minute (status %q)", u, up.Status)
		case <-tick.C:
		}
	}
}
