#pragma once

#include "controlplane/ApiError.h"
#include "users/User.h"
#include "users/UserTableModel.h"

#include <QMainWindow>
#include <QPointer>
#include <QTime>

#include <memory>

class QLabel;
class QProgressBar;
class QTimer;

namespace Ui {
class MainWindow;
}

namespace zenml::controlplane {
class UserListJob;
}
namespace zenml::ui {
class AccountActions;
}
namespace zenml::session {
class Session;
}
namespace zenml::users {
class UserFilterModel;
class UserTableModel;
} // namespace zenml::users

namespace zenml::ui {

// The users of one control plane in a searchable, sortable table. Every network call runs in
// the background; the window shows what is under way in its status bar.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(session::Session* session, QWidget* parent = nullptr);
    ~MainWindow() override;

    users::UserTableModel* userModel() const { return m_model; }
    users::UserFilterModel* filterModel() const { return m_filter; }
    AccountActions* accountActions() const { return m_actions; }

    bool isLoading() const;
    // The text of the status bar's count, e.g. "Showing 12 of 250 users".
    QString countText() const;
    // The last notice shown above the table (errors, incomplete lists); empty when none.
    QString noticeText() const;

public Q_SLOTS:
    // Loads the whole list again. The rows on screen stay until the new list is complete.
    void refresh();
    void setSearchText(const QString& text);
    // A message above the table for the administrator to read; empty hides it.
    void showNotice(const QString& text);
    // A lasting mark in the status bar that the secret will not be remembered, and why.
    void setSecretNotRemembered(const QString& reason);
    QString secretNote() const;

Q_SIGNALS:
    void loadFinished(bool complete);
    void signOutRequested();
    void setUpRequested();
    // The session cannot go on (the account lost its rights); `message` says why.
    void sessionEnded(const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void onPagePrepared(const users::PreparedUsers& page);
    void appendPendingPages();
    void onListFinished(const controlplane::ApiError& error);
    void applyRefreshedList(quint64 generation, users::UserTableModel::Contents& contents);
    void listLoaded();
    void applySearch();
    void updateCounts();
    void updateIdentity();
    void updateBusy();
    void showContextMenu(const QPoint& position);
    void restoreLayout();
    void saveLayout() const;

    std::unique_ptr<Ui::MainWindow> m_ui;
    session::Session* m_session;
    users::UserTableModel* m_model;
    users::UserFilterModel* m_filter;
    QPointer<controlplane::UserListJob> m_listJob;
    // Pages of a refresh gather here, so that the model is reset once, when the list is whole;
    // on a first load, pages wait here for the next batch appended (m_appendTimer).
    QList<users::PreparedUsers> m_pendingPages;
    bool m_appendLive = false;
    QTimer* m_appendTimer;
    // Set while a refreshed list is being put in order on a worker thread; a result for an
    // older generation (a refresh started meanwhile) is dropped.
    bool m_buildingList = false;
    quint64 m_listGeneration = 0;
    // The list shown: when it was loaded, and whether its loading stopped part way.
    QTime m_loadedAt;
    bool m_listIncomplete = false;
    AccountActions* m_actions;
    QTimer* m_searchDebounce;
    QLabel* m_identityLabel;
    QLabel* m_countLabel;
    QLabel* m_secretLabel;
    QProgressBar* m_busyBar;
};

} // namespace zenml::ui
