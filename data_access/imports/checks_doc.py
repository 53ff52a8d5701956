"""What the importer checks beyond each column's own rules, in words for the data dictionary.

Built from the same constants the checks use, so the dictionary states the limits in force.
"""

from __future__ import annotations

from data_access.imports.bounds import EARLIEST_EVENT, STORE_INT_MAX, STORE_INT_MIN
from data_access.imports.personal import FIRST_NAMES_FILE, first_names
from data_access.imports.read import MAX_BYTES, MAX_CELL_CHARACTERS, MAX_COLUMNS, MAX_ROWS
from data_access.imports.workbook import MAX_EXPANDED_BYTES

CHECKS_MARKDOWN = f"""## Checks on every file

Nothing is written until every check has passed (or you choose, loudly, to commit only the valid
rows). A refused file changes nothing.

**The file.** At most {MAX_BYTES // 1024 // 1024} MB (checked before the file is read), at most
{MAX_ROWS:,} data rows and {MAX_COLUMNS} columns; an Excel workbook may expand to at most
{MAX_EXPANDED_BYTES // 1024 // 1024:,} MB when opened. Reading stops at the first limit reached,
with a message saying which. CSV files may be UTF-8 (with or without a byte-order mark) or UTF-16
(with or without one); lines may end in CR LF, LF or CR alone (Excel for Mac). Files that are not
extracts (pictures, PDFs, Word documents, old `.xls` or `.doc` files, password-protected
workbooks, zip archives, web pages saved as `.xls`) are named as what they are. In a workbook,
merged cells and formulas whose values were never saved are refused with the cell named. Two
columns with the same name are refused with both named. A row with more cells than the header has
columns is refused (usually a comma inside a value that needs quotes). A cell longer than its
column allows is refused with its row and column (the reader itself accepts cells of up to
{MAX_CELL_CHARACTERS:,} characters).

**Numbers and dates.** Every whole number is checked against its column's range above; where no
range is given it must fit the store ({STORE_INT_MIN:,} to {STORE_INT_MAX:,}, PostgreSQL's INTEGER).
Every date must fall in its column's range: events not before {EARLIEST_EVENT:%-d %B %Y} and not in
the future; action due dates up to 10 years ahead; birth months not in the future and for a child
aged 0 to 25 today; population years from 2001 to next year.

## Personal data checks

The store holds no names, addresses or contact details. Columns named like personal data
(`surname`, `date_of_birth`, `address`, `phone`…) are refused, a full postcode is reduced to its
sector and LSOA and dropped, child ids are replaced by a keyed hash, and free-text cells (action
titles and notes, lead agencies, location names, ethnicity) are refused when they hold:

- an e-mail address;
- a UK phone number, mobile or landline (`07700 900123`, `+44 7700 900123`, `01632 960 123`,
  `(01274) 123456`, `020 7946 0018`);
- a full postcode (`BD5 0AA`; give the postcode in its own column instead);
- a date of birth (`DOB`, `born on`);
- a title with a name (`Mr Smith`, `Mrs Khan`, `Dr Jones`);
- a house number with a street (`14 Oak Street`, `2a, Manor Road`), a flat or unit number
  (`Flat 2`, `Apartment 3`), or someone's home (`Smith's flat`, `Jane's house`): a location of
  concern is a street, a business or a public place, never a home address;
- a person's name: a common first name followed by a surname-like capitalised word
  (`Jane Smith`, `Imran Hussain`, `Oliwia K. Nowak`), unless the next word shows a place or an
  organisation (`Victoria Road`, `Giles Trust`, `Ali Baba Kebab House`).

The first names ({len(first_names()):,} of them) are in `{FIRST_NAMES_FILE.relative_to(FIRST_NAMES_FILE.parents[1])}`:
a list of common given names in the UK and in Bradford District's communities, written for this
project by hand (the ONS baby-name lists, Open Government Licence, are the model but could not be
downloaded where it was built). No maintained name-detection library that works offline was
practical: `names-dataset` needs gigabytes of memory, `gender-guesser` has not been updated since
2016, and `nameparser` splits names but does not find them. A name not on the list, or written in
lower case, is not caught: read free text before exporting it.
"""
