"""Muscle panel: groups and muscles by lay name, search, show/hide/isolate, colour source, bones.

`bind(state)` makes it follow a view state: the ticks show the hidden muscles, the box the
colour source, the slider the bone opacity, and the picked muscle's numbers follow the time.
What the user changes here is written into the state, whose events redraw everything else."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QSlider, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from viewer.core.analysis.colour import SOURCES

from .bindings import Bindings

SOURCE_TEXT = {"rate": "Speed of length change", "change": "Change since phase start",
               "group": "Muscle group", "plain": "Plain"}
MUSCLE_ROLE = Qt.UserRole + 1


class MusclePanel(QWidget):
    muscle_chosen = Signal(int)  # picked in the list

    def __init__(self, parent=None):
        super().__init__(parent)
        self.session = self.model = self.state = None
        self.picked: int | None = None
        self._bindings = Bindings()
        self.focus: list[str] = []
        self.visible = np.zeros(0, bool)
        self.source = QComboBox(objectName="colour_source")
        for key in SOURCES:
            self.source.addItem(SOURCE_TEXT.get(key, key), key)
        self.bones = QSlider(Qt.Horizontal, objectName="bone_opacity", toolTip="Bone opacity")
        self.bones.setRange(0, 100)
        self.bones.setValue(100)
        self.focus_only = QCheckBox("Only the focus groups", objectName="focus_only")
        self.search = QLineEdit(placeholderText="Search muscles…", objectName="search", clearButtonEnabled=True)
        self.tree = QTreeWidget(objectName="muscle_tree")
        self.tree.setHeaderHidden(True)
        self.isolate_button = QPushButton("Isolate", toolTip="Show only the selected muscles or groups")
        self.show_all_button = QPushButton("Show all")
        self.info = QLabel("Click a muscle in the view or the list.", objectName="muscle_info")
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow("Colour by", self.source)
        form.addRow("Bones", self.bones)
        buttons = QHBoxLayout()
        buttons.addWidget(self.isolate_button)
        buttons.addWidget(self.show_all_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.focus_only)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.info)

        # What the user changes goes into the state; its event comes back here as a no-op.
        self.source.currentIndexChanged.connect(lambda i: self.state and self.state.set_colour_source(
            self.source.itemData(i)))
        self.bones.valueChanged.connect(lambda v: self.state and self.state.set_bone_opacity(v / 100.0))
        self.focus_only.toggled.connect(self._focus_only)
        self.search.textChanged.connect(self._filter)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.itemClicked.connect(self._clicked)
        self.isolate_button.clicked.connect(self.isolate_selection)
        self.show_all_button.clicked.connect(lambda: self.set_visible(np.ones(len(self.model.muscles), bool)))

    # --- following a view state -------------------------------------------------------------------
    def bind(self, state) -> None:
        """Follow `state` (None: let go); call show_session first."""
        self.state = state
        if not self._bindings.follow(state, hidden=lambda names: self._show_hidden(),
                                     colour=lambda source: self._show_source(),
                                     bones=lambda opacity: self._show_bones(),
                                     time=lambda t: self.picked is not None and self._show_picked()):
            return
        self._show_hidden()
        self._show_source()
        self._show_bones()
        self._show_picked()

    def _show_hidden(self) -> None:
        if self.model is not None:
            self._tick(~self.state.hidden_mask(self.model))

    def _show_source(self) -> None:
        key = self.state.colour_source or self.session.colouring.key
        self.source.blockSignals(True)  # showing the state is not a choice to write back
        self.source.setCurrentIndex(list(SOURCES).index(key))
        self.source.blockSignals(False)

    def _show_bones(self) -> None:
        self.bones.blockSignals(True)
        self.bones.setValue(int(round(self.state.bone_opacity * 100)))
        self.bones.blockSignals(False)

    # --- filling ------------------------------------------------------------------------------
    def show_session(self, session, refill: bool = True) -> None:
        """The muscles of a newly shown session (the picked one's numbers come from its frames).
        refill=False: an edit of the same exercise, whose tree and focus stay as they are."""
        self.session = session
        if not refill:
            return
        self.picked = None
        self.model, self.focus = session.model, list(session.scenario.focus)
        model, focus = self.model, self.focus
        self.visible = np.ones(len(model.muscles), bool)
        self.tree.blockSignals(True)
        self.tree.clear()
        for name, group in model.groups.items():
            members = model.muscles_in(name)
            top = QTreeWidgetItem([f"{name} ({len(members)})" + ("  ★" if name in focus else "")])
            top.setToolTip(0, group.about)
            top.setData(0, Qt.UserRole, name)
            top.setForeground(0, QColor(group.colour).darker(130))
            top.setFlags(top.flags() | Qt.ItemIsUserCheckable | Qt.ItemIsAutoTristate)
            for m in members:
                child = QTreeWidgetItem([m.label])
                child.setData(0, MUSCLE_ROLE, m.index)
                child.setToolTip(0, m.name)
                child.setFlags(child.flags() | Qt.ItemIsUserCheckable)
                child.setCheckState(0, Qt.Checked)
                top.addChild(child)
            self.tree.addTopLevelItem(top)
        self.tree.blockSignals(False)
        self.focus_only.blockSignals(True)
        self.focus_only.setChecked(False)
        self.focus_only.setEnabled(bool(focus))
        self.focus_only.blockSignals(False)
        self._filter(self.search.text())
        if self.state is not None:
            self._show_hidden()  # the new tree ticks what the state hides

    # --- visibility ---------------------------------------------------------------------------
    def set_visible(self, mask: np.ndarray) -> None:
        """Show these muscles (bool per model muscle), as a click on Show all or Isolate does."""
        self._tick(mask)
        self._write_hidden()

    def _tick(self, mask: np.ndarray) -> None:
        self.visible = np.asarray(mask, bool).copy()
        self.tree.blockSignals(True)  # ticks that show the state are not clicks to write back
        for item in self._muscle_items():
            item.setCheckState(0, Qt.Checked if self.visible[item.data(0, MUSCLE_ROLE)] else Qt.Unchecked)
        self.tree.blockSignals(False)

    def _write_hidden(self) -> None:
        if self.state is not None and self.model is not None:
            self.state.set_hidden(m.name for m, shown in zip(self.model.muscles, self.visible) if not shown)

    def isolate(self, muscles) -> None:
        mask = np.zeros(len(self.model.muscles), bool)
        mask[list(muscles)] = True
        self.set_visible(mask)

    def isolate_selection(self) -> None:
        chosen = set()
        for item in self.tree.selectedItems():
            index = item.data(0, MUSCLE_ROLE)
            if index is not None:
                chosen.add(index)
            else:
                chosen |= {m.index for m in self.model.muscles_in(item.data(0, Qt.UserRole))}
        if chosen:
            self.isolate(chosen)

    def _focus_only(self, on: bool) -> None:
        if on:
            self.isolate(m.index for g in self.focus for m in self.model.muscles_in(g))
        else:
            self.set_visible(np.ones(len(self.model.muscles), bool))

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        index = item.data(0, MUSCLE_ROLE)
        if index is None or self.model is None:
            return
        self.visible[index] = item.checkState(0) == Qt.Checked
        self._write_hidden()

    def _clicked(self, item: QTreeWidgetItem, column: int) -> None:
        index = item.data(0, MUSCLE_ROLE)
        if index is not None:
            self.muscle_chosen.emit(index)

    def _muscle_items(self):
        for g in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(g)
            for c in range(top.childCount()):
                yield top.child(c)

    def _filter(self, text: str) -> None:
        text = text.strip().lower()
        for g in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(g)
            shown = 0
            for c in range(top.childCount()):
                child = top.child(c)
                match = not text or text in child.text(0).lower() or text in child.toolTip(0).lower() \
                    or text in top.text(0).lower()
                child.setHidden(not match)
                shown += match
            top.setHidden(shown == 0)
            top.setExpanded(bool(text) and shown > 0)

    # --- picked muscle info ---------------------------------------------------------------------
    def set_picked(self, muscle: int | None) -> None:
        self.picked = muscle
        self._show_picked()

    def _show_picked(self) -> None:
        """The picked muscle's length, change and rate at the state's time (played backward, the rate turns)."""
        s, state, m = self.session, self.state, self.picked
        if m is None or s is None or state is None:
            self.show_info(None)
            return
        i = s.index_at(state.time)
        self.show_info(m, s.frames.lengths[i, m], s.percent_change[i, m], s.rates[i, m] * state.direction)

    def show_info(self, muscle: int | None, length: float = 0.0, change: float = 0.0, rate: float = 0.0) -> None:
        if muscle is None:
            self.info.setText("Click a muscle in the view or the list.")
            return
        m = self.model.muscles[muscle]
        word = "shortening" if rate < -2 else "lengthening" if rate > 2 else "holding its length"
        self.info.setText(f"<b>{m.label}</b><br>{m.group} · <i>{m.name}</i><br>"
                          f"length {length * 100:.1f} cm · {change:+.1f} % since start<br>"
                          f"rate {rate:+.1f} %/s ({word})")
