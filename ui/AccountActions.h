#pragma once

#include "controlplane/ApiError.h"
#include "users/AccountRules.h"
#include "users/User.h"

#include <QObject>

#include <functional>
#include <optional>

class QAction;

namespace zenml::controlplane {
struct UserPatch;
}
class QTableView;
class QWidget;

namespace zenml::session {
class Session;
}
namespace zenml::users {
class UserFilterModel;
class UserTableModel;
} // namespace zenml::users

namespace zenml::ui {

// The account operations of the main window: their actions (toolbar, menu, context menu,
// keyboard), the account rules asked before anything is sent, the requests, and what the
// answers change in the table. One operation runs at a time.
class AccountActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AccountActions)

public:
    AccountActions(session::Session* session, users::UserTableModel* model,
        users::UserFilterModel* filter, QTableView* view, QWidget* window);

    QAction* createAction() const { return m_create; }
    QAction* grantAction() const { return m_grant; }
    QAction* revokeAction() const { return m_revoke; }
    QAction* resetPasswordAction() const { return m_resetPassword; }
    QAction* renameAction() const { return m_rename; }
    QAction* deleteAction() const { return m_delete; }
    QList<QAction*> actions() const;

    bool isBusy() const { return m_busy; }
    // While the list is being loaded, nothing is changed: the rows that are about to arrive
    // may predate the change and would hide it.
    void setListLoading(bool loading);
    users::UserList selectedUsers() const;
    // Empty while the signed-in account may manage users; else why the table is read-only.
    QString readOnlyReason() const;
    users::AccountRules rules() const;

public Q_SLOTS:
    // Recomputes which actions the selection allows, and why not.
    void updateActions();

Q_SIGNALS:
    void busyChanged(bool busy);
    // Something the administrator should read, shown above the table.
    void notice(const QString& text);
    // The signed-in account lost its right to manage users while the window was open.
    void rightsLost(const QString& message);
    // An operation ended; `succeeded` is false when anything in it failed or was refused.
    void operationFinished(bool succeeded);

private:
    using StepDone = std::function<void(
        const std::optional<users::User>& updated, const controlplane::ApiError& error)>;
    using Step = std::function<void(const users::User& target, StepDone done)>;

    struct Batch
    {
        QString title;
        users::UserList targets;
        Step step;
        bool removesRows = false;
        // Per account: the new server state, or the failure.
        QList<QPair<users::User, controlplane::ApiError>> results;
        std::function<void(const users::User&)> afterSuccess;
    };

    static Batch makeBatch(const QString& title, const users::UserList& targets, Step step);
    Step patchStep(const controlplane::UserPatch& patch);

    void createUser();
    void grantSuperuser();
    void revokeSuperuser();
    void resetPassword();
    void renameUser();
    void deleteUsers();

    bool refuseIfNeeded(const users::Verdict& verdict);
    void confirm(const QString& title, const QString& text, const QString& acceptText,
        std::function<void()> onAccepted);
    void run(Batch batch);
    void runNext();
    void finishBatch();
    void handleVanished(const QString& id, const QString& message);
    void checkOwnRights(const controlplane::ApiError& error);
    void setBusy(bool busy);
    QWidget* window() const { return m_window; }

    session::Session* m_session;
    users::UserTableModel* m_model;
    users::UserFilterModel* m_filter;
    QTableView* m_view;
    QWidget* m_window;
    QAction* m_create;
    QAction* m_grant;
    QAction* m_revoke;
    QAction* m_resetPassword;
    QAction* m_rename;
    QAction* m_delete;
    std::optional<Batch> m_batch;
    bool m_busy = false;
    bool m_listLoading = false;
};

} // namespace zenml::ui
