-- Core: the file replaces its flow's months of municipal trade.
MERGE core.fact_comex_municipio AS t
USING staging_comex_mun AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.flow = @flow AND t.month IN UNNEST(@periods) THEN DELETE
WHEN NOT MATCHED THEN INSERT (month, flow, municipio, co_mun, uf, sh4, sh2, country, kg_liquido, vl_fob, file_sha256)
  VALUES (s.month, s.flow, s.municipio, s.co_mun, s.uf, s.sh4, s.sh2, s.country, s.kg_liquido, s.vl_fob, s.file_sha256);
