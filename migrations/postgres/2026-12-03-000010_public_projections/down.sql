DROP TABLE tender_figure_days;
DROP TABLE tender_figure_amounts;
DROP TABLE tender_figures;
DROP TABLE ocds_compiled;
