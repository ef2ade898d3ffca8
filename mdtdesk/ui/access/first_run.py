"""First run: make the practice's store (practice, first user, passphrase, recovery key)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from mdtdesk.clock import Clock, plain_day, today
from mdtdesk.store import errors, lifecycle
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.layout import StorePaths
from mdtdesk.ui.access.recovery_sheet import print_sheet
from mdtdesk.ui.access.strength_meter import NewPassphrase
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.files import folder_name
from mdtdesk.ui.widgets.look import problem_label
from mdtdesk.ui.widgets.windows import fit
from mdtdesk.ui.widgets.worker import StoreWorker

PROFESSIONS = (
    "GP",
    "Practice nurse",
    "Community nurse",
    "Social worker",
    "Care coordinator",
    "Practice manager",
    "Pharmacist",
    "Mental health practitioner",
    "Therapist",
)


class PracticePage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Your practice")
        self.setSubTitle("mdtdesk keeps one encrypted store per practice on this computer.")
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.where.setAccessibleName("Where the store will be kept")
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change_folder = QPushButton("&Change folder…")
        self.change_folder.clicked.connect(self.choose_folder)
        self.open_existing = QPushButton("Open an &existing store…")
        self.open_existing.clicked.connect(self.choose_existing)
        self.ods = QLineEdit()
        self.ods.setAccessibleName("ODS code")
        self.ods.setPlaceholderText("e.g. D82044")
        self.name = QLineEdit()
        self.name.setAccessibleName("Practice name")
        self.problem = problem_label()
        form = QFormLayout(self)
        form.addRow("&ODS code", self.ods)
        form.addRow("Practice &name", self.name)
        form.addRow("Store folder", self.where)
        buttons = QHBoxLayout()
        buttons.addWidget(self.change_folder)
        buttons.addWidget(self.open_existing)
        buttons.addStretch(1)
        form.addRow("", buttons)
        form.addRow("", self.problem)
        self.registerField("ods*", self.ods)
        self.registerField("practice*", self.name)
        self.show_folder()

    def show_folder(self) -> None:
        self.where.setText(str(self.owner.folder))

    def choose_folder(self) -> None:
        chosen = folder_name(self, "stores", "Where to keep the new store")
        if not chosen:
            return
        folder = Path(chosen)
        if StorePaths(folder).db.exists() or StorePaths(folder).keys.exists():
            self.problem.setText(
                f"{folder} already holds an mdtdesk store: use Open an existing store… for it, "
                "or choose an empty folder."
            )
            return
        self.owner.folder = folder
        self.problem.setText("")
        self.show_folder()

    def choose_existing(self) -> None:
        chosen = folder_name(self, "stores", "Open an existing mdtdesk store")
        if chosen:
            self.open_folder(Path(chosen))

    def open_folder(self, folder: Path) -> None:
        if not StorePaths(folder).keys.exists():
            self.problem.setText(
                f"There is no mdtdesk store in {folder} (it has no keys.json). Choose the "
                "folder that holds store.db and keys.json."
            )
            return
        self.owner.opened = folder
        self.owner.accept()

    def validatePage(self) -> bool:  # noqa: N802
        if self.owner.opened is not None:
            return True  # an existing store was chosen: there is no new practice to check
        try:
            self.ods.setText(lifecycle.check_practice_code(self.ods.text()))
        except errors.StoreError as exc:
            self.problem.setText(str(exc))
            return False
        return True


class UserPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("You")
        self.setSubTitle(
            "You will be the store's first user and its administrator: you add the rest of "
            "the team later."
        )
        self.name = QLineEdit()
        self.name.setAccessibleName("Your name")
        self.name.setPlaceholderText("As colleagues know you, e.g. Dr Hannah Kerrison")
        self.profession = QComboBox()
        self.profession.setEditable(True)
        self.profession.addItems(PROFESSIONS)
        self.profession.setAccessibleName("Profession")
        form = QFormLayout(self)
        form.addRow("Your &name", self.name)
        form.addRow("&Profession", self.profession)
        self.registerField("user*", self.name)


class PassphrasePage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Your passphrase")
        self.setSubTitle(
            "It unlocks the store. Nobody can recover it for you, but the recovery key "
            "(next page) lets the practice set a new one."
        )
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Create the store")
        self.new = NewPassphrase(
            lambda: [str(self.field("user")), str(self.field("practice")), str(self.field("ods"))]
        )
        self.new.changed.connect(self.completeChanged)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.hide()
        self.problem = problem_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.new)
        layout.addWidget(self.busy)
        layout.addWidget(self.problem)

    def isComplete(self) -> bool:  # noqa: N802
        return self.new.acceptable() and not self.busy.isVisible()

    def validatePage(self) -> bool:  # noqa: N802
        if self.owner.created is not None:
            return True
        self.busy.show()
        self.problem.setText("Creating the encrypted store…")
        self.completeChanged.emit()
        self.owner.create_store(self.new.text())
        return False

    def finished(self, problem: str | None) -> None:
        self.busy.hide()
        self.problem.setText(problem or "")
        self.completeChanged.emit()


class RecoveryKeyPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("The recovery key")
        self.setSubTitle(
            "Shown this once. Write it down or print it, and keep it locked away: it opens "
            "the store and resets any passphrase."
        )
        self.key = QLabel()
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(font.pointSize() + 6)
        self.key.setFont(font)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key.setAccessibleName("Recovery key")
        self.print_button = QPushButton("&Print…")
        self.print_button.clicked.connect(self.print_key)
        self.printed = QLabel()
        self.printed.setWordWrap(True)
        self.printed.setAccessibleName("What Print did")
        self.confirmed = QCheckBox("I have &written it down (or printed it) and will keep it safe")
        self.confirmed.setAccessibleName("I have written the recovery key down")
        self.registerField("confirmed*", self.confirmed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.key)
        layout.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.printed)
        layout.addStretch(1)
        layout.addWidget(self.confirmed)

    def initializePage(self) -> None:  # noqa: N802
        created = self.owner.created
        self.key.setText(created.recovery_key if created else "")

    def print_key(self) -> None:
        created = self.owner.created
        if created is None:
            return
        done = print_sheet(
            self,
            created.recovery_key,
            str(self.field("practice")),
            str(self.field("ods")),
            plain_day(today(self.owner.clock)),
        )
        if done:
            self.printed.setText(done)


class FirstRunWizard(QWizard):
    def __init__(
        self,
        folder: Path,
        clock: Clock,
        worker: StoreWorker,
        kdf_cost: KdfCost,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.folder = folder
        self.clock = clock
        self.worker = worker
        self.kdf_cost = kdf_cost
        self.created: lifecycle.Created | None = None
        # A store that already exists, chosen instead of making one.
        self.opened: Path | None = None
        self.setWindowTitle("Set up mdtdesk")
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.practice_page = PracticePage(self)
        self.user_page = UserPage()
        self.passphrase_page = PassphrasePage(self)
        self.recovery_page = RecoveryKeyPage(self)
        for page in (self.practice_page, self.user_page, self.passphrase_page, self.recovery_page):
            self.addPage(page)
        fit(self, "first-run", 620, 460)

    def create_store(self, passphrase: str) -> None:
        folder, clock, cost = self.folder, self.clock, self.kdf_cost
        ods, practice = str(self.field("ods")), str(self.field("practice"))
        user = str(self.field("user"))
        profession = self.user_page.profession.currentText().strip() or "Not given"
        self.worker.op(
            Change.NOTHING,
            lambda: lifecycle.create_store(
                folder,
                ods_code=ods,
                practice_name=practice,
                user=user,
                profession=profession,
                passphrase=passphrase,
                clock=clock,
                kdf_cost=cost,
            ),
            self._created,
            self._failed,
        )

    def _created(self, created: lifecycle.Created) -> None:
        self.created = created
        self.passphrase_page.finished(None)
        self.next()
        self.passphrase_page.new.clear()

    def _failed(self, exc: BaseException) -> None:
        self.passphrase_page.finished(str(exc))
