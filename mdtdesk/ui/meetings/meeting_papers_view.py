"""A meeting's papers on screen: the agenda or minutes in a preview, and the outcome
summaries (one PDF per person discussed, to file in their GP record) to preview one
by one or save to a folder in one go. Every paper that leaves is audited."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.printing import meeting_papers
from mdtdesk.printing.document import save
from mdtdesk.printing.meeting_papers import Paper
from mdtdesk.store.opened import OpenStore
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.files import folder_name
from mdtdesk.ui.widgets.look import problem_label
from mdtdesk.ui.widgets.pdf_preview import PdfPreview
from mdtdesk.ui.widgets.windows import fit
from mdtdesk.ui.widgets.worker import StoreWorker


class SummariesDialog(QDialog):
    def __init__(
        self,
        store: OpenStore,
        worker: StoreWorker,
        meeting_id: str,
        papers: list[Paper],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("summaries-dialog")
        self.setWindowTitle("Outcome summaries")
        self.store, self.worker, self.meeting_id, self.papers = store, worker, meeting_id, papers
        self.list = QListWidget()
        self.list.setAccessibleName("Outcome summaries")
        self.list.addItems([p.file_name for p in papers])
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self.preview())
        self.note = QLabel(
            f"{len(papers)} people were discussed; each summary is one PDF."
            if papers
            else "No one was discussed at this meeting, so there are no summaries."
        )
        self.note.setWordWrap(True)
        self.problem = problem_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        preview = QPushButton("&Preview…")
        save_all = QPushButton("&Save all to a folder…")
        preview.setEnabled(bool(papers))
        save_all.setEnabled(bool(papers))
        buttons.addButton(preview, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(save_all, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        preview.clicked.connect(self.preview)
        save_all.clicked.connect(self.choose_folder)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.note)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        fit(self, "summaries", 640, 360)

    def _printed(self, how: str, count: int) -> None:
        store, meeting = self.store, self.meeting_id
        self.worker.op(
            Change.NOTHING,
            lambda: meeting_papers.log_printed(store, meeting, "outcome summaries", how, count),
            lambda _r: None,
            lambda exc: self.problem.setText(str(exc)),
        )

    def preview(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        made = self.papers[row]
        dialog = PdfPreview(
            "MDT outcome summary", made.file_name, made.pdf, lambda how: self._printed(how, 1), self
        )
        dialog.open()

    def choose_folder(self) -> None:
        folder = folder_name(self, "papers", "Save the outcome summaries in")
        if folder:
            self.save_all(Path(folder))

    def save_all(self, folder: Path) -> None:
        try:
            for made in self.papers:
                save(folder / made.file_name, made.pdf)
        except OSError as exc:
            self.problem.setText(f"Could not save in {folder}: {exc.strerror or exc}")
            return
        self._printed("file", len(self.papers))
        self.problem.setText("")
        self.note.setText(f"Saved {len(self.papers)} outcome summaries in {folder}.")


def open_paper(
    parent: QWidget,
    store: OpenStore,
    worker: StoreWorker,
    meeting_id: str,
    kind: str,
    fail: Callable[[BaseException], None],
) -> None:
    """Build the agenda or minutes off the GUI thread, then show it for printing."""

    def show(made: Paper) -> None:
        def printed(how: str) -> None:
            worker.op(
                Change.NOTHING,
                lambda: meeting_papers.log_printed(store, meeting_id, made.kind, how, made.count),
                lambda _r: None,
                fail,
            )

        dialog = PdfPreview(f"MDT {made.kind}", made.file_name, made.pdf, printed, parent)
        dialog.setObjectName(f"preview-{made.kind}")
        dialog.open()

    worker.query(lambda: meeting_papers.paper(store, meeting_id, kind), show, fail)


def open_summaries(
    parent: QWidget,
    store: OpenStore,
    worker: StoreWorker,
    meeting_id: str,
    fail: Callable[[BaseException], None],
) -> None:
    worker.query(
        lambda: meeting_papers.summaries(store, meeting_id),
        lambda made: SummariesDialog(store, worker, meeting_id, made, parent).open(),
        fail,
    )
