-- Core: the file replaces its flow's months.
MERGE core.fact_comex AS t
USING staging_comex_ncm AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.flow = @flow AND t.month IN UNNEST(@periods) THEN DELETE
WHEN NOT MATCHED THEN INSERT (month, flow, ncm, sh4, sh2, country, uf, via, urf, unid, qt_estat, kg_liquido, vl_fob, vl_frete, vl_seguro, file_sha256)
  VALUES (s.month, s.flow, s.ncm, s.sh4, s.sh2, s.country, s.uf, s.via, s.urf, s.unid, s.qt_estat, s.kg_liquido, s.vl_fob, s.vl_frete, s.vl_seguro, s.file_sha256);
