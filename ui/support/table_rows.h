// Table rows that follow their font: presentation mode changes the application's font, and a
// row height set once from the old font then cuts the text (descenders, underscores).
#pragma once

class QTableView;

namespace qs::ui {

// Rows of `table` as tall as a line of its font plus `padding` pixels, now and after every
// change of its font; with `wrapped`, every row as tall as its contents (a long value on two
// lines), again whenever the font or the table's width changes.
void keepRowsFittingFont(QTableView* table, int padding, bool wrapped = false);

} // namespace qs::ui
