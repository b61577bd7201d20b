-- Core: the file replaces its variable's months.
DELETE FROM core.fact_ipca WHERE variable = $variable AND month IN (SELECT period FROM load_scope);
DELETE FROM landing.ipca WHERE variable = $variable AND file_sha256 <> $file_sha256
  AND date_trunc('month', month)::DATE IN (SELECT period FROM load_scope);
INSERT INTO core.fact_ipca (month, variable, value, file_sha256)
SELECT month, variable, value, file_sha256 FROM staging.ipca
WHERE file_sha256 = $file_sha256 AND variable = $variable
ORDER BY month;
