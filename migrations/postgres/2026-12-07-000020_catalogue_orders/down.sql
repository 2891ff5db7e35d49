DROP TABLE catalogue_order_candidates;
DROP TABLE catalogue_orders;
