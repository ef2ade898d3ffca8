"""Import a CSV (the caseload, hospital activity or the risk register): choose the
file, map its columns, preview, check every row, import all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStringListModel, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.caseload.csv_import import ImportRefused, Validation
from mdtdesk.caseload.csv_read import Shape, read_rows
from mdtdesk.labels import field_label
from mdtdesk.store.opened import OpenStore
from mdtdesk.ui.caseload.csv_kinds import CASELOAD, CsvKind
from mdtdesk.ui.widgets.files import open_name
from mdtdesk.ui.widgets.rows_model import RowsModel
from mdtdesk.ui.widgets.windows import fit
from mdtdesk.ui.widgets.worker import StoreWorker

NOT_IN_FILE = "(not in the file)"
PREVIEW_ROWS = 20
Cells = tuple[int, list[str]]


class ImportDialog(QDialog):
    imported = Signal(object)

    def __init__(
        self,
        store: OpenStore,
        worker: StoreWorker,
        parent: QWidget | None = None,
        kind: CsvKind = CASELOAD,
    ):
        super().__init__(parent)
        self.kind = kind
        self.store = store
        self.worker = worker
        self.header: list[str] = []
        self.rows: list[Cells] = []
        self.shape = Shape()
        self.validation: Validation | None = None
        self.ready = 0
        self.setWindowTitle(f"Import a {kind.name}")
        fit(self, "import", 900, 680)

        self.path = QLineEdit()
        self.path.setAccessibleName("CSV file")
        self.path.setPlaceholderText(kind.placeholder)
        self.path.returnPressed.connect(self.read_file)
        choose = QPushButton("&Choose file…")
        choose.clicked.connect(self._choose)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(choose)

        self.mapping: dict[str, QComboBox] = {}
        mapping_box = QGroupBox("Columns: which column of the file holds each field")
        mapping_form = QFormLayout(mapping_box)
        for column in (*kind.required, *kind.optional):
            combo = QComboBox()
            label = field_label(column) + (" *" if column in kind.required else "")
            combo.setAccessibleName(f"File column for {label.rstrip(' *')}")
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.mapping[column] = combo
            mapping_form.addRow(label, combo)

        self.preview = RowsModel[Cells]([])
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview)
        self.preview_view.setAccessibleName("Preview of the first rows")
        self.preview_view.verticalHeader().setVisible(False)
        self.problems = QStringListModel()
        problems_view = QListView()
        problems_view.setModel(self.problems)
        problems_view.setAccessibleName("Problems found")
        problems_view.setMaximumHeight(140)
        self.detected = QLabel()
        self.detected.setWordWrap(True)
        self.detected.setAccessibleName("What was found about the file")
        self.summary = QLabel("Choose a file to begin.")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Import summary")
        self.skip_invalid = QCheckBox("Import the good rows and &skip the rows with problems")
        self.skip_invalid.toggled.connect(self._update_buttons)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Import progress")
        self.progress.hide()
        self.import_button = QPushButton("&Import")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        # Enter in the path field reads the file; it must not also press a button (the
        # chooser opened on top, and a write should take a deliberate Alt+I or click).
        for button in (choose, self.import_button, close):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.skip_invalid)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)

        top = QHBoxLayout()
        top.addWidget(mapping_box)
        right = QVBoxLayout()
        right.addWidget(QLabel("Preview (first rows, as mapped)"))
        right.addWidget(self.preview_view)
        top.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(self.detected)
        layout.addLayout(top, 1)
        layout.addWidget(QLabel("Problems"))
        layout.addWidget(problems_view)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)

    def _choose(self) -> None:
        name = open_name(
            self, "csv", f"Choose a {self.kind.name}", "CSV files (*.csv);;All files (*)"
        )
        if name:
            self.path.setText(name)
            self.read_file()

    # -- reading and mapping -------------------------------------------------------
    def read_file(self) -> None:
        path = Path(self.path.text().strip())
        self.summary.setText("Reading the file…")
        known = self.kind.is_known
        self.worker.query(lambda: read_rows(path, known), self._read, self._failed)

    def _read(self, result: tuple[list[str], list[Cells], Shape]) -> None:
        self.header, self.rows, self.shape = result
        guessed = self.kind.guess(self.header)
        for column, combo in self.mapping.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_IN_FILE, None)
            for name in self.header:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(combo.findData(guessed.get(column)), 0))
            combo.blockSignals(False)
        self.detected.setText(self.shape.describe())
        self._mapping_changed()

    def column_map(self) -> dict[str, str]:
        # A field mapped to nothing points at a header the file cannot have.
        return {c: combo.currentData() or f"<{c} not in file>" for c, combo in self.mapping.items()}

    def _mapping_changed(self) -> None:
        positions = {name: i for i, name in enumerate(self.header)}
        chosen = [(c, positions.get(combo.currentData())) for c, combo in self.mapping.items()]
        shown = [(c, i) for c, i in chosen if i is not None]

        def cell(i: int) -> Callable[[Cells], str]:
            return lambda row: row[1][i] if i < len(row[1]) else ""

        columns: list[tuple[str, Callable[[Cells], str]]] = [("Line", lambda row: str(row[0]))]
        columns += [(field_label(c), cell(i)) for c, i in shown]
        self.preview = RowsModel[Cells](columns)
        self.preview.set_rows(self.rows[:PREVIEW_ROWS])
        self.preview_view.setModel(self.preview)
        self.check()

    def check(self) -> None:
        self.validation = None
        self._update_buttons()
        if not self.header:
            return
        store, header, rows, mapping = self.store, self.header, self.rows, self.column_map()
        check = self.kind.check
        self.summary.setText("Checking every row…")
        self.worker.query(lambda: check(store, header, rows, mapping), self._checked, self._failed)

    def _checked(self, checked: tuple[int, Validation]) -> None:
        self.ready, validation = checked
        self.validation = validation
        self.problems.setStringList([str(p) for p in validation.problems])
        good, bad = self.ready, len(validation.problems)
        if bad:
            self.summary.setText(
                f"{good} of {validation.data_lines} rows are ready; {bad} problem(s) listed "
                "above. Correct the file, or choose to skip the rows with problems."
            )
        else:
            self.summary.setText(f"All {good} rows are ready to import.")
        self._update_buttons()

    def _update_buttons(self) -> None:
        v = self.validation
        ready = (
            v is not None and self.ready > 0 and (not v.problems or self.skip_invalid.isChecked())
        )
        self.import_button.setEnabled(ready)

    # -- importing -------------------------------------------------------------------
    def run_import(self) -> None:
        path = Path(self.path.text().strip())
        store, mapping, skip = self.store, self.column_map(), self.skip_invalid.isChecked()
        self.import_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.summary.setText("Importing…")
        run = self.kind.run
        self.worker.op_with_progress(
            self.kind.changes,
            lambda progress: run(store, path, skip, mapping, progress),
            self._imported,
            self._failed,
            self._progress,
        )

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _imported(self, result: object) -> None:
        self.progress.setValue(self.progress.maximum())
        self.summary.setText(self.kind.describe(result))
        self.imported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        if isinstance(exc, ImportRefused):
            self._checked((0, exc.validation))
            self.summary.setText(f"Nothing was imported: {exc}")
            return
        self.summary.setText(str(exc))
        self._update_buttons()
