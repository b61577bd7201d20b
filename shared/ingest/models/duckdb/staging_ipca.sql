-- Staging: IPCA observations with a value, month dates on the first day.
CREATE OR REPLACE VIEW staging.ipca AS
SELECT file_sha256, line, variable, date_trunc('month', month)::DATE AS month, value
FROM landing.ipca
WHERE value IS NOT NULL;
