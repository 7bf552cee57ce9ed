#pragma once

// Finding and clearing the dialogs a window test opens, as a person would see them.

#include <QApplication>
#include <QDialog>
#include <QTest>
#include <QWidget>

// The visible top-level dialog of type T, once it shows; nullptr when none shows in time.
template <typename T> T* waitForDialog(int timeoutMs = 10000)
{
    T* found = nullptr;
    (void)QTest::qWaitFor(
        [&] {
            for (QWidget* widget : QApplication::topLevelWidgets()) {
                if (auto* dialog = qobject_cast<T*>(widget); dialog && dialog->isVisible()) {
                    found = dialog;
                    return true;
                }
            }
            return false;
        },
        timeoutMs);
    return found;
}

// Dialogs left open by a failed test must not leak into the next one.
inline void closeAllDialogs()
{
    for (QWidget* widget : QApplication::topLevelWidgets()) {
        if (qobject_cast<QDialog*>(widget))
            delete widget;
    }
}
