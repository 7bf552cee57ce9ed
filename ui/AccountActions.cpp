#include "AccountActions.h"

#include "ConfirmDeleteDialog.h"
#include "CreateUserDialog.h"
#include "Logging.h"
#include "PasswordRevealDialog.h"
#include "RenameDialog.h"
#include "ResultListDialog.h"
#include "controlplane/ApiClient.h"
#include "session/Session.h"
#include "users/PasswordGenerator.h"
#include "users/UserFilterModel.h"
#include "users/UserTableModel.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>

namespace zenml::ui {

using controlplane::ApiError;
using users::User;
using users::UserList;
using users::Verdict;

namespace {

QAction* makeAction(
    const QString& text, const QKeySequence& shortcut, const QString& tip, QWidget* window)
{
    auto* action = new QAction(text, window);
    action->setShortcut(shortcut);
    action->setShortcutContext(Qt::WindowShortcut);
    action->setData(tip); // the tooltip when nothing refuses it
    action->setToolTip(tip);
    action->setStatusTip(tip);
    window->addAction(action);
    return action;
}

// Enables the action when the verdict allows it; otherwise its tooltip says why not.
void applyVerdict(QAction* action, const Verdict& verdict)
{
    action->setEnabled(verdict.allowed);
    const QString tip = action->data().toString();
    action->setToolTip(verdict.allowed ? tip : tip % QStringLiteral("\n") % verdict.reason);
    action->setStatusTip(verdict.allowed ? tip : verdict.reason);
}

} // namespace

AccountActions::AccountActions(session::Session* session, users::UserTableModel* model,
    users::UserFilterModel* filter, QTableView* view, QWidget* window)
    : QObject(window)
    , m_session(session)
    , m_model(model)
    , m_filter(filter)
    , m_view(view)
    , m_window(window)
    , m_create(makeAction(tr("&New user…"), QKeySequence::New,
          tr("Create a local user with a generated initial password (Ctrl+N)"), window))
    , m_grant(makeAction(tr("&Grant super-user"), QKeySequence(Qt::CTRL | Qt::Key_G),
          tr("Let the selected account manage other users (Ctrl+G)"), window))
    , m_revoke(makeAction(tr("Re&voke super-user"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G),
          tr("Take away the right to manage other users (Ctrl+Shift+G)"), window))
    , m_resetPassword(makeAction(tr("Reset &password…"), QKeySequence(Qt::CTRL | Qt::Key_R),
          tr("Give the selected local account a new temporary password (Ctrl+R)"), window))
    , m_rename(makeAction(tr("Re&name…"), QKeySequence(Qt::Key_F2),
          tr("Change the selected account's display name (F2)"), window))
    , m_delete(makeAction(
          tr("&Delete…"), QKeySequence::Delete, tr("Delete the selected accounts (Del)"), window))
{
    connect(m_create, &QAction::triggered, this, &AccountActions::createUser);
    connect(m_grant, &QAction::triggered, this, &AccountActions::grantSuperuser);
    connect(m_revoke, &QAction::triggered, this, &AccountActions::revokeSuperuser);
    connect(m_resetPassword, &QAction::triggered, this, &AccountActions::resetPassword);
    connect(m_rename, &QAction::triggered, this, &AccountActions::renameUser);
    connect(m_delete, &QAction::triggered, this, &AccountActions::deleteUsers);

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &AccountActions::updateActions);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &AccountActions::updateActions);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &AccountActions::updateActions);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &AccountActions::updateActions);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &AccountActions::updateActions);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &AccountActions::updateActions);
    updateActions();
}

QList<QAction*> AccountActions::actions() const
{
    return { m_create, m_grant, m_revoke, m_resetPassword, m_rename, m_delete };
}

UserList AccountActions::selectedUsers() const
{
    UserList selected;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    selected.reserve(rows.size());
    for (const QModelIndex& index : rows) {
        const int row = m_filter->mapToSource(index).row();
        if (row >= 0 && row < m_model->rowCount())
            selected << m_model->userAt(row);
    }
    return selected;
}

users::AccountRules AccountActions::rules() const
{
    // The rules outlive this call in the dialogs; the model outlives the dialogs only as
    // long as the window does, hence the guard.
    const QPointer<const users::UserTableModel> model(m_model);
    return users::AccountRules(
        m_session->currentUser(), m_model->superusers(),
        [model](const QString& username, const QString& exceptId) -> std::optional<User> {
            return model ? model->userWithUsername(username, exceptId) : std::nullopt;
        },
        m_session->reservedAdminUsername());
}

QString AccountActions::readOnlyReason() const
{
    return rules().canManage().reason;
}

void AccountActions::updateActions()
{
    // While busy every action is refused alike; the rules (one pass over every row) are built
    // only when they can decide something, not for each page of a loading list.
    if (m_busy || m_listLoading) {
        const Verdict busy = Verdict::refuse(
            m_busy ? tr("Another operation is under way.") : tr("Wait until the list has loaded."));
        for (QAction* action : actions())
            applyVerdict(action, busy);
        return;
    }
    const users::AccountRules rules = this->rules();
    const UserList selected = selectedUsers();
    const Verdict busy = rules.canManage();
    const auto ifManageable
        = [&](const std::function<Verdict()>& check) { return busy.allowed ? check() : busy; };
    const Verdict pickOne = Verdict::refuse(tr("Select one account first."));
    const Verdict pickSome = Verdict::refuse(tr("Select the accounts first."));

    applyVerdict(m_create, busy);
    applyVerdict(m_grant, ifManageable([&] {
        return selected.size() == 1 ? rules.canGrantSuperuser(selected.first()) : pickOne;
    }));
    applyVerdict(m_revoke, ifManageable([&] {
        return selected.isEmpty() ? pickSome : rules.canRevokeSuperuser(selected);
    }));
    applyVerdict(m_resetPassword, ifManageable([&] {
        return selected.size() == 1 ? rules.canResetPassword(selected.first()) : pickOne;
    }));
    applyVerdict(m_rename, ifManageable([&] {
        return selected.size() == 1
            ? rules.canChangeDisplayName(selected.first(), selected.first().name)
            : pickOne;
    }));
    applyVerdict(m_delete,
        ifManageable([&] { return selected.isEmpty() ? pickSome : rules.canDelete(selected); }));
}

bool AccountActions::refuseIfNeeded(const Verdict& verdict)
{
    if (verdict.allowed)
        return false;
    // The rules may have changed since the action was enabled (a refresh, another answer).
    Q_EMIT notice(verdict.reason);
    updateActions();
    return true;
}

void AccountActions::confirm(const QString& title, const QString& text, const QString& acceptText,
    std::function<void()> onAccepted)
{
    auto* box = new QMessageBox(QMessageBox::Question, title, text, QMessageBox::Cancel, window());
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* ok = box->addButton(acceptText, QMessageBox::AcceptRole);
    box->setDefaultButton(ok);
    connect(box, &QMessageBox::buttonClicked, this,
        [ok, onAccepted = std::move(onAccepted)](QAbstractButton* button) {
            if (button == ok)
                onAccepted();
        });
    box->open();
}

void AccountActions::createUser()
{
    if (m_busy || m_listLoading || refuseIfNeeded(rules().canManage()))
        return;
    auto* dialog = new CreateUserDialog(m_session->client(), rules(), window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CreateUserDialog::userCreated, this,
        [this](const User& user, const QString& generatedPassword, const QString& warning) {
            // The row is the server's answer, keyed by the id it gave.
            m_model->upsertUser(user);
            const int row = m_model->rowOfId(user.id);
            const QModelIndex index = m_filter->mapFromSource(m_model->index(row, 0));
            if (index.isValid()) {
                m_view->selectionModel()->select(
                    index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
                m_view->scrollTo(index);
            }
            Q_EMIT notice(warning.isEmpty() ? tr("Created %1.").arg(user.username) : warning);
            if (!generatedPassword.isEmpty()) {
                auto* reveal = new PasswordRevealDialog(user.username, generatedPassword,
                    tr("The account <b>%1</b> was created. Its initial password is shown only "
                       "this once: copy it and hand it over safely. The user must choose a new "
                       "password at the first sign-in.")
                        .arg(user.username.toHtmlEscaped()),
                    window());
                reveal->setAttribute(Qt::WA_DeleteOnClose);
                reveal->open();
            }
            Q_EMIT operationFinished(true);
        });
    dialog->open();
}

void AccountActions::grantSuperuser()
{
    const UserList selected = selectedUsers();
    if (m_busy || m_listLoading || selected.size() != 1
        || refuseIfNeeded(rules().canGrantSuperuser(selected.first())))
        return;
    const User target = selected.first();
    confirm(tr("Grant super-user"),
        tr("Make %1 a super-user? A super-user can create, change and delete every account.")
            .arg(target.username),
        tr("&Grant"), [this, target] {
            controlplane::UserPatch patch;
            patch.isSuperuser = true;
            run(makeBatch(tr("Grant super-user"), { target }, patchStep(patch)));
        });
}

void AccountActions::revokeSuperuser()
{
    UserList selected = selectedUsers();
    if (m_busy || m_listLoading || selected.isEmpty()
        || refuseIfNeeded(rules().canRevokeSuperuser(selected)))
        return;
    // Accounts that are not super-users have nothing to revoke.
    selected.removeIf([](const User& user) { return !user.isSuperuser; });
    if (selected.isEmpty())
        return;
    QStringList names;
    for (const User& user : selected)
        names << user.username;
    const QString text = selected.size() == 1
        ? tr("Revoke super-user status from %1? The account stays, but can no longer manage "
             "users.")
              .arg(names.first())
        : tr("Revoke super-user status from these %1 accounts? %2")
              .arg(selected.size())
              .arg(names.join(QStringLiteral(", ")));
    confirm(tr("Revoke super-user"), text, tr("&Revoke"), [this, selected] {
        controlplane::UserPatch patch;
        patch.isSuperuser = false;
        run(makeBatch(tr("Revoke super-user"), selected, patchStep(patch)));
    });
}

void AccountActions::resetPassword()
{
    const UserList selected = selectedUsers();
    if (m_busy || m_listLoading || selected.size() != 1
        || refuseIfNeeded(rules().canResetPassword(selected.first())))
        return;
    const User target = selected.first();
    confirm(tr("Reset password"),
        tr("Give %1 a new temporary password? The current password stops working at once, and "
           "%1 must choose a new one at the next sign-in.")
            .arg(target.username),
        tr("&Reset"), [this, target] {
            const QString password = users::PasswordGenerator().generate();
            Batch batch = makeBatch(tr("Reset password"), { target },
                [this, password](const User& user, StepDone done) {
                    controlplane::UserPatch patch;
                    patch.password = password;
                    m_session->client()->updateUser(user.id, patch, this,
                        [this, done, id = user.id](const User&, const ApiError& error) {
                            if (error) {
                                done(std::nullopt, error);
                                return;
                            }
                            // Fetched again: the server decides what "must change password"
                            // now says, not this program.
                            m_session->client()->fetchUser(
                                id, this, [done](const User& fetched, const ApiError& fetchError) {
                                    done(fetchError ? std::nullopt : std::optional<User>(fetched),
                                        fetchError);
                                });
                        });
                });
            batch.afterSuccess = [this, password](const User& user) {
                auto* reveal = new PasswordRevealDialog(user.username, password,
                    tr("The password of <b>%1</b> was reset. The temporary password is shown "
                       "only this once: copy it and hand it over safely.")
                        .arg(user.username.toHtmlEscaped()),
                    window());
                reveal->setAttribute(Qt::WA_DeleteOnClose);
                reveal->open();
            };
            run(std::move(batch));
        });
}

void AccountActions::renameUser()
{
    const UserList selected = selectedUsers();
    if (m_busy || m_listLoading || selected.size() != 1 || refuseIfNeeded(rules().canManage()))
        return;
    auto* dialog = new RenameDialog(m_session->client(), rules(), selected.first(), window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &RenameDialog::renamed, this, [this](const User& user) {
        m_model->upsertUser(user);
        Q_EMIT operationFinished(true);
    });
    connect(dialog, &RenameDialog::vanished, this, &AccountActions::handleVanished);
    dialog->open();
}

void AccountActions::deleteUsers()
{
    const UserList selected = selectedUsers();
    if (m_busy || m_listLoading || selected.isEmpty()
        || refuseIfNeeded(rules().canDelete(selected)))
        return;
    auto* dialog = new ConfirmDeleteDialog(selected, window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, selected] {
        Batch batch = makeBatch(tr("Delete"), selected, [this](const User& user, StepDone done) {
            m_session->client()->deleteUser(
                user.id, this, [done](const ApiError& error) { done(std::nullopt, error); });
        });
        batch.removesRows = true;
        run(std::move(batch));
    });
    dialog->open();
}

AccountActions::Batch AccountActions::makeBatch(
    const QString& title, const UserList& targets, Step step)
{
    Batch batch;
    batch.title = title;
    batch.targets = targets;
    batch.step = std::move(step);
    return batch;
}

AccountActions::Step AccountActions::patchStep(const controlplane::UserPatch& patch)
{
    return [this, patch](const User& user, StepDone done) {
        m_session->client()->updateUser(
            user.id, patch, this, [done](const User& updated, const ApiError& error) {
                done(error ? std::nullopt : std::optional<User>(updated), error);
            });
    };
}

void AccountActions::run(Batch batch)
{
    m_batch = std::move(batch);
    setBusy(true);
    qCInfo(lcUi).noquote() << m_batch->title << "on" << m_batch->targets.size() << "account(s)";
    runNext();
}

void AccountActions::runNext()
{
    const qsizetype next = m_batch->results.size();
    if (next == m_batch->targets.size()) {
        finishBatch();
        return;
    }
    const User target = m_batch->targets.at(next);
    m_batch->step(
        target, [this, target](const std::optional<User>& updated, const ApiError& error) {
            if (!m_batch)
                return;
            if (!error) {
                if (m_batch->removesRows)
                    m_model->removeUser(target.id);
                else if (updated)
                    m_model->upsertUser(*updated);
                if (m_batch->afterSuccess)
                    m_batch->afterSuccess(updated.value_or(target));
            } else if (error.kind == ApiError::Kind::NotFound) {
                m_model->removeUser(target.id);
            }
            m_batch->results.append({ updated.value_or(target), error });
            runNext();
        });
}

void AccountActions::finishBatch()
{
    const Batch batch = std::move(*m_batch);
    m_batch.reset();
    setBusy(false);

    bool allSucceeded = true;
    std::optional<ApiError> forbidden;
    QList<ResultListDialog::Outcome> outcomes;
    QStringList vanished;
    for (const auto& [user, error] : batch.results) {
        allSucceeded = allSucceeded && !error;
        if (error.kind == ApiError::Kind::Forbidden)
            forbidden = error;
        if (error.kind == ApiError::Kind::NotFound)
            vanished << user.username;
        outcomes.append({ user.username, !error, error ? error.message : tr("Done") });
    }

    if (batch.results.size() == 1) {
        const auto& [user, error] = batch.results.first();
        if (error.kind == ApiError::Kind::NotFound)
            handleVanished(user.id, error.message);
        else if (error)
            Q_EMIT notice(
                tr("%1 failed for %2: %3").arg(batch.title, user.username, error.message));
        else
            Q_EMIT notice(tr("%1: done for %2.").arg(batch.title, user.username));
    } else {
        if (!vanished.isEmpty())
            Q_EMIT notice(tr("Already deleted by someone else, removed from the list: %1")
                              .arg(vanished.join(QStringLiteral(", "))));
        auto* dialog = new ResultListDialog(batch.title, outcomes, window());
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    }
    if (forbidden)
        checkOwnRights(*forbidden);
    for (const auto& [user, error] : batch.results) {
        if (error.kind == ApiError::Kind::Unauthorized) {
            Q_EMIT rightsLost(tr("The server no longer accepts this session: %1 Sign in again.")
                                  .arg(error.message));
            break;
        }
    }
    updateActions();
    Q_EMIT operationFinished(allSucceeded);
}

void AccountActions::handleVanished(const QString& id, const QString& message)
{
    const int row = m_model->rowOfId(id);
    const QString username = row >= 0 ? m_model->userAt(row).username : id;
    m_model->removeUser(id);
    Q_EMIT notice(tr("%1 no longer exists on the server (another administrator may have deleted "
                     "it); its row was removed. The server said: %2")
                      .arg(username, message));
    Q_EMIT operationFinished(false);
}

// A 403 may mean the signed-in account was demoted by another administrator: ask the server
// who we are now, and end the session if the rights are gone.
void AccountActions::checkOwnRights(const ApiError& error)
{
    m_session->client()->fetchCurrentUser(
        this, [this, error](const User& me, const ApiError& fetchError) {
            const bool stillAdmin = !fetchError
                && (me.isSuperuser
                    || me.kind(m_session->reservedAdminUsername())
                        == users::AccountKind::ReservedAdmin);
            if (stillAdmin)
                return;
            Q_EMIT rightsLost(tr("Your account may no longer manage users (the server said: %1). "
                                 "Sign in again with an account that is a super-user.")
                                  .arg(error.message));
        });
}

void AccountActions::setListLoading(bool loading)
{
    m_listLoading = loading;
    updateActions();
}

void AccountActions::setBusy(bool busy)
{
    m_busy = busy;
    updateActions();
    Q_EMIT busyChanged(busy);
}

} // namespace zenml::ui
