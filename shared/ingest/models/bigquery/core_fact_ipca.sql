-- Core: the file replaces its variable's months.
MERGE core.fact_ipca AS t
USING (SELECT month, variable, value, file_sha256 FROM staging_ipca WHERE variable = @variable) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.variable = @variable AND t.month IN UNNEST(@periods) THEN DELETE
WHEN NOT MATCHED THEN INSERT (month, variable, value, file_sha256) VALUES (s.month, s.variable, s.value, s.file_sha256);
