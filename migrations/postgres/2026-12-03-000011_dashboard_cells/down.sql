DROP TABLE tender_figure_cell_days;
DROP TABLE tender_figure_cell_amounts;
DROP TABLE tender_figure_cells;
DROP INDEX tender_figures_cell;
