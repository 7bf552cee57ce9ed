// The account operations of the main window, driven as an administrator would (actions,
// dialogs, typed text) against an in-process sandbox control plane. What the server holds
// afterwards is read through the API by a second client, never from the window's own model.

#include "AccountActions.h"
#include "ConfirmDeleteDialog.h"
#include "CreateUserDialog.h"
#include "MainWindow.h"
#include "PasswordRevealDialog.h"
#include "RenameDialog.h"
#include "ResultListDialog.h"
#include "sandbox/SandboxServer.h"
#include "session/Session.h"
#include "support/ApiHelper.h"
#include "support/DialogHelpers.h"
#include "users/AccountRules.h"
#include "users/UserFilterModel.h"
#include "users/UserTableModel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using zenml::controlplane::UserPatch;
using zenml::sandbox::SandboxFault;
using zenml::sandbox::SandboxOptions;
using zenml::sandbox::SandboxServer;
using zenml::session::Session;
using zenml::ui::AccountActions;
using zenml::ui::MainWindow;
using zenml::users::User;
using zenml::users::UserTableModel;

namespace {

const QString kPassword = QStringLiteral("Initial-pass-123");

QPushButton* acceptButtonOf(QMessageBox* box)
{
    for (QAbstractButton* button : box->buttons()) {
        if (box->buttonRole(button) == QMessageBox::AcceptRole)
            return qobject_cast<QPushButton*>(button);
    }
    return nullptr;
}

} // namespace

class TestAccountActions final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void createWithGeneratedPassword();
    void createRefusesBadUsernamesBeforeSending_data();
    void createRefusesBadUsernamesBeforeSending();
    void createSendsOnceAndShowsConflict();
    void ownSuperuserSwitchIsDisabled();
    void lastSuperuserCannotBeRevokedOrDeleted();
    void resetPasswordShowsMustChange();
    void deleteNeedsTheTypedUsername();
    void multiDeleteReportsEachAccount();
    void renameTakesTheServersAnswer();
    void plainAccountIsReadOnly();
    void demotedAccountEndsTheSession();

private:
    // Signs the window's session in and opens the window with the list loaded.
    void openWindowAs(const QString& username, const QString& password);
    void select(const QStringList& usernames);
    int rowOf(const QString& username) const;

    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<ApiHelper> m_admin;
    QNetworkAccessManager m_network;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<MainWindow> m_window;
};

void TestAccountActions::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", QDir::tempPath().toUtf8() + "/zenml-tst-account-actions-config");
}

void TestAccountActions::init()
{
    SandboxOptions options;
    options.adminPassword = QStringLiteral("admin-secret");
    options.passwordIterations = 1000; // hashing speed is not under test here
    m_server = std::make_unique<SandboxServer>(options);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    m_admin = std::make_unique<ApiHelper>(m_server->apiRoot());
    QVERIFY(m_admin->signIn(m_server->adminUsername(), m_server->adminPassword()));
}

void TestAccountActions::cleanup()
{
    closeAllDialogs();
    m_window.reset();
    m_session.reset();
    m_admin.reset();
    m_server.reset();
}

void TestAccountActions::openWindowAs(const QString& username, const QString& password)
{
    m_session = std::make_unique<Session>(&m_network);
    QSignalSpy signedIn(m_session.get(), &Session::signedIn);
    m_session->signIn(m_server->apiRoot(), Session::Method::Password, username, password);
    QVERIFY(signedIn.wait(10000));

    m_window = std::make_unique<MainWindow>(m_session.get());
    m_window->show();
    QSignalSpy loaded(m_window.get(), &MainWindow::loadFinished);
    m_window->refresh();
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.first().first().toBool(), true);
}

int TestAccountActions::rowOf(const QString& username) const
{
    const auto& users = m_window->userModel()->users();
    for (int row = 0; row < users.size(); ++row) {
        if (users.at(row).username == username)
            return row;
    }
    return -1;
}

void TestAccountActions::select(const QStringList& usernames)
{
    auto* view = m_window->findChild<QTableView*>(QStringLiteral("userView"));
    view->clearSelection();
    for (const QString& username : usernames) {
        const int row = rowOf(username);
        QVERIFY2(row >= 0, qPrintable(username));
        const QModelIndex index
            = m_window->filterModel()->mapFromSource(m_window->userModel()->index(row, 0));
        view->selectionModel()->select(
            index, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
}

void TestAccountActions::createWithGeneratedPassword()
{
    openWindowAs(m_server->adminUsername(), m_server->adminPassword());
    AccountActions* actions = m_window->accountActions();
    QVERIFY(actions->createAction()->isEnabled());

    actions->createAction()->trigger();
    auto* dialog = waitForDialog<zenml::ui::CreateUserDialog>();
    QVERIFY(dialog);
    QTest::keyClicks(
        dialog->findChild<QLineEdit*>(QStringLiteral("usernameEdit")), QStringLiteral("Alice"));
    QTest::keyClicks(
        dialog->findChild<QLineEdit*>(QStringLiteral("nameEdit")), QStringLiteral("Alice Liddell"));
    dialog->findChild<QCheckBox*>(QStringLiteral("superuserCheck"))->setChecked(true);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();

    // The password is shown once, and the dialog stays until its recording is confirmed.
    auto* reveal = waitForDialog<zenml::ui::PasswordRevealDialog>();
    QVERIFY(reveal);
    const QString password = reveal->findChild<QLineEdit*>(QStringLiteral("passwordEdit"))->text();
    QCOMPARE(password.size(), 20);
    reveal->reject();
    QTest::keyClick(reveal, Qt::Key_Escape);
    QVERIFY(reveal->isVisible());
    reveal->findChild<QCheckBox*>(QStringLiteral("recordedCheck"))->setChecked(true);
    const QPointer<zenml::ui::PasswordRevealDialog> watched(reveal);
    reveal->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Close)->click();
    QTRY_VERIFY(!watched || !watched->isVisible());

    // The row is the server's answer, keyed by its id.
    const int row = rowOf(QStringLiteral("Alice"));
    QVERIFY(row >= 0);
    const User shown = m_window->userModel()->userAt(row);
    const User onServer = m_admin->fetch(shown.id);
    QVERIFY(!m_admin->lastError());
    QCOMPARE(onServer.username, shown.username);
    QCOMPARE(onServer.name, QStringLiteral("Alice Liddell"));
    QCOMPARE(shown.name, onServer.name);
    QVERIFY(onServer.isSuperuser);
    QVERIFY(onServer.passwordExpired);

    // The generated password works, whatever characters it holds.
    ApiHelper alice(m_server->apiRoot());
    QVERIFY(alice.signIn(QStringLiteral("Alice"), password));
}

void TestAccountActions::createRefusesBadUsernamesBeforeSending_data()
{
    QTest::addColumn<QString>("username");
    QTest::newRow("leading space") << QStringLiteral(" john");
    QTest::newRow("no-break space") << QStringLiteral("john\u00a0");
    QTest::newRow("control character") << QStringLiteral("jo\u0007hn");
    QTest::newRow("empty") << QString();
}

void TestAccountActions::createRefusesBadUsernamesBeforeSending()
{
    QFETCH(QString, username);
    openWindowAs(m_server->adminUsername(), m_server->adminPassword());
    const qsizetype before = m_admin->listAll().size();
    // Any create that reaches the server would fail with this, and the dialog would say so.
    SandboxFault trap;
    trap.method = "POST";
    trap.path = QStringLiteral("/users");
    trap.times = -1;
    trap.status = 500;
    trap.body = R"({"detail":"the request reached the server"})";
    m_server->addFault(trap);

    m_window->accountActions()->createAction()->trigger();
    auto* dialog = waitForDialog<zenml::ui::CreateUserDialog>();
    QVERIFY(dialog);
    auto* usernameEdit = dialog->findChild<QLineEdit*>(QStringLiteral("usernameEdit"));
    usernameEdit->setText(username);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();

    const QString expected = m_window->accountActions()->rules().canCreate(username).reason;
    QVERIFY(!expected.isEmpty());
    QCOMPARE(dialog->message(), expected);
    QVERIFY(dialog->isVisible());
    QCOMPARE(usernameEdit->text(), username);
    m_server->clearFaults();
    QCOMPARE(m_admin->listAll().size(), before);
}

// CASES.md 6: a double click while the server is slow sends one request; a name taken by
// another administrator meanwhile is reported with everything typed kept.
void TestAccountActions::createSendsOnceAndShowsConflict()
{
    openWindowAs(m_server->adminUsername(), m_server->adminPassword());
    SandboxFault slow;
    slow.method = "POST";
    slow.path = QStringLiteral("/users");
    slow.delayMs = 1500;
    m_server->addFault(slow);

    m_window->accountActions()->createAction()->trigger();
    auto* dialog = waitForDialog<zenml::ui::CreateUserDialog>();
    QVERIFY(dialog);
    QTest::keyClicks(
        dialog->findChild<QLineEdit*>(QStringLiteral("usernameEdit")), QStringLiteral("dora"));
    QPushButton* create = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    QTest::mouseDClick(create, Qt::LeftButton);
    QTest::mouseClick(create, Qt::LeftButton);
    QVERIFY(dialog->isBusy());
    QVERIFY(!create->isEnabled());
    dialog->reject(); // closing while the answer is pending is refused
    QVERIFY(dialog->isVisible());

    auto* reveal = waitForDialog<zenml::ui::PasswordRevealDialog>();
    QVERIFY(reveal);
    int doras = 0;
    for (const User& user : m_admin->listAll())
        doras += user.username == QStringLiteral("dora") ? 1 : 0;
    QCOMPARE(doras, 1);
    reveal->findChild<QCheckBox*>(QStringLiteral("recordedCheck"))->setChecked(true);
    reveal->accept();

    // Another administrator takes "eve" while this one is typing it.
    m_admin->create(QStringLiteral("eve"), kPassword);
    QVERIFY(!m_admin->lastError());
    m_window->accountActions()->createAction()->trigger();
    auto* second = waitForDialog<zenml::ui::CreateUserDialog>();
    QVERIFY(second && second != dialog);
    auto* usernameEdit = second->findChild<QLineEdit*>(QStringLiteral("usernameEdit"));
    QTest::keyClicks(usernameEdit, QStringLiteral("eve"));
    second->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY(!second->message().isEmpty() && !second->isBusy());
    QVERIFY2(second->message().contains(QStringLiteral("another username")),
        qPrintable(second->message()));
    QVERIFY(second->isVisible());
    QCOMPARE(usernameEdit->text(), QStringLiteral("eve"));
}

// CASES.md 2: the super-user switch is disabled on one's own row.
void TestAccountActions::ownSuperuserSwitchIsDisabled()
{
    const User root = m_admin->create(QStringLiteral("root1"), kPassword, true);
    const User other = m_admin->create(QStringLiteral("root2"), kPassword, true);
    QVERIFY(root.isSuperuser && other.isSuperuser);
    openWindowAs(QStringLiteral("root1"), kPassword);

    select({ QStringLiteral("root1") });
    AccountActions* actions = m_window->accountActions();
    QVERIFY(!actions->revokeAction()->isEnabled());
    QVERIFY(!actions->grantAction()->isEnabled());
    QVERIFY(!actions->deleteAction()->isEnabled());
    QVERIFY2(actions->revokeAction()->toolTip().contains(QStringLiteral("own")),
        qPrintable(actions->revokeAction()->toolTip()));

    // The other super-user's row allows it.
    select({ QStringLiteral("root2") });
    QVERIFY(actions->revokeAction()->isEnabled());
}

// CASES.md 1: the last super-user is neither revoked nor deleted, through any selection.
void TestAccountActions::lastSuperuserCannotBeRevokedOrDeleted()
{
    m_admin->create(QStringLiteral("only-root"), kPassword, true);
    m_admin->create(QStringLiteral("plain"), kPassword, false);
    openWindowAs(m_server->adminUsername(), m_server->adminPassword());
    AccountActions* actions = m_window->accountActions();

    select({ QStringLiteral("only-root") });
    QVERIFY(!actions->revokeAction()->isEnabled());
    QVERIFY(!actions->deleteAction()->isEnabled());
    QVERIFY2(actions->deleteAction()->toolTip().contains(QStringLiteral("last")),
        qPrintable(actions->deleteAction()->toolTip()));

    select({ QStringLiteral("only-root"), QStringLiteral("plain") });
    QVERIFY(!actions->revokeAction()->isEnabled());
    QVERIFY(!actions->deleteAction()->isEnabled());

    // The shortcut of a refused action does nothing, and the server is unchanged.
    QTest::keySequence(m_window.get(), QKeySequence::Delete);
    QVERIFY(!waitForDialog<zenml::ui::ConfirmDeleteDialog>(3000));
    QVERIFY(m_admin->fetch(m_window->userModel()->userAt(rowOf(QStringLiteral("only-root"))).id)
                .isSuperuser);
}

// CASES.md 3: after a reset the row says "must change password", as the server now says.
void TestAccountActions::resetPasswordShowsMustChange()
{
    m_admin->create(QStringLiteral("root1"), kPassword, true);
    User bob = m_admin->create(QStringLiteral("bob"), kPassword);
    ApiHelper asBob(m_server->apiRoot());
    QVERIFY(asBob.signIn(QStringLiteral("bob"), kPassword));
    UserPatch own;
    own.password = QStringLiteral("bobs-own-password-1");
    bob = asBob.patchMe(own);
    QVERIFY(!asBob.lastError());
    QVERIFY(!bob.passwordExpired);

    openWindowAs(m_server->adminUsername(), m_server->adminPassword());
    const auto mustChange = [&] {
        return m_window->userModel()
            ->index(rowOf(QStringLiteral("bob")), UserTableModel::MustChangePasswordColumn)
            .data()
            .toString();
    };
    QVERIFY(mustChange().isEmpty());

    select({ QStringLiteral("bob") });
    QVERIFY(m_window->accountActions()->resetPasswordAction()->isEnabled());
    m_window->accountActions()->resetPasswordAction()->trigger();
    auto* box = waitForDialog<QMessageBox>();
    QVERIFY(box);
    QVERIFY(box->text().contains(QStringLiteral("bob")));
    acceptButtonOf(box)->click();

    auto* reveal = waitForDialog<zenml::ui::PasswordRevealDialog>();
    QVERIFY(reveal);
    const QString temporary = reveal->findChild<QLineEdit*>(QStringLiteral("passwordEdit"))->text();
    QTRY_COMPARE(mustChange(), QStringLiteral("Yes"));
    QVERIFY(m_admin->fetch(bob.id).passwordExpired);
    QVERIFY(asBob.trySignIn(QStringLiteral("bob"), temporary).kind
        == zenml::controlplane::ApiError::Kind::None);
}

void TestAccountActions::deleteNeedsTheTypedUsername()
{
    m_admin->create(QStringLiteral("root1"), kPassword, true);
    const User carol = m_admin->create(QStringLiteral("carol"), kPassword);
    openWindowAs(m_server->adminUsername(), m_server->adminPassword());

    select({ QStringLiteral("carol") });
    m_window->accountActions()->deleteAction()->trigger();
    auto* confirm = waitForDialog<zenml::ui::ConfirmDeleteDialog>();
    QVERIFY(confirm);
    QVERIFY(confirm->findChild<QLabel*>(QStringLiteral("warningLabel"))
                ->text()
                .contains(QStringLiteral("not deleted")));
    QPushButton* remove = confirm->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    auto* field = confirm->findChild<QLineEdit*>(QStringLiteral("confirmEdit"));
    QVERIFY(!remove->isEnabled());
    QTest::keyClicks(field, QStringLiteral("Carol"));
    QVERIFY(!remove->isEnabled());
    QTest::keyClick(field, Qt::Key_Return); // Enter alone deletes nothing
    field->clear();
    QTest::keyClicks(field, QStringLiteral("carol"));
    QVERIFY(remove->isEnabled());
    remove->click();

    QTRY_COMPARE(rowOf(QStringLiteral("carol")), -1);
    m_admin->fetch(carol.id);
    QCOMPARE(m_admin->lastError().kind, zenml::controlplane::ApiError::Kind::NotFound);
}

// CASES.md 14: one of the selected accounts was deleted by another administrator meanwhile.
void TestAccountActions::multiDeleteReportsEachAccount()
{
    m_admin->create(QStringLiteral("root1"), kPassword, true);
    const User u1 = m_admin->create(QStringLiteral("u1"), kPassword);
    const User u2 = m_admin->create(QStringLiteral("u2"), kPassword);
    const User u3 = m_admin->create(QStringLiteral("u3"), kPassword);
    openWindowAs(m_server->adminUsername(), m_server->adminPassword());

    select({ QStringLiteral("u1"), QStringLiteral("u2"), QStringLiteral("u3") });
    QVERIFY(!m_admin->remove(u2.id));
    m_window->accountActions()->deleteAction()->trigger();
    auto* confirm = waitForDialog<zenml::ui::ConfirmDeleteDialog>();
    QVERIFY(confirm);
    QCOMPARE(confirm->expectedConfirmation(), QStringLiteral("3"));
    QTest::keyClicks(
        confirm->findChild<QLineEdit*>(QStringLiteral("confirmEdit")), QStringLiteral("3"));
    confirm->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();

    auto* results = waitForDialog<zenml::ui::ResultListDialog>();
    QVERIFY(results);
    QVERIFY2(
        results->summary().startsWith(QStringLiteral("1 of 3")), qPrintable(results->summary()));
    QCOMPARE(rowOf(QStringLiteral("u1")), -1);
    QCOMPARE(rowOf(QStringLiteral("u2")), -1);
    QCOMPARE(rowOf(QStringLiteral("u3")), -1);
    QVERIFY2(
        m_window->noticeText().contains(QStringLiteral("u2")), qPrintable(m_window->noticeText()));
    for (const User& gone : { u1, u3 }) {
        m_admin->fetch(gone.id);
        QCOMPARE(m_admin->lastError().kind, zenml::controlplane::ApiError::Kind::NotFound);
    }
}

void TestAccountActions::renameTakesTheServersAnswer()
{
    m_admin->create(QStringLiteral("root1"), kPassword, true);
    const User dave = m_admin->create(QStringLiteral("dave"), kPassword);
    openWindowAs(m_server->adminUsername(), m_server->adminPassword());

    select({ QStringLiteral("dave") });
    m_window->accountActions()->renameAction()->trigger();
    auto* dialog = waitForDialog<zenml::ui::RenameDialog>();
    QVERIFY(dialog);
    auto* nameEdit = dialog->findChild<QLineEdit*>(QStringLiteral("nameEdit"));
    nameEdit->setText(QStringLiteral("Dave \u00c9lise O'Brien"));
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    // The dialog deletes itself once closed.
    const QPointer<zenml::ui::RenameDialog> watched(dialog);
    QTRY_VERIFY(!watched || !watched->isVisible());
    QCOMPARE(m_admin->fetch(dave.id).name, QStringLiteral("Dave \u00c9lise O'Brien"));
    QCOMPARE(m_window->userModel()->userAt(rowOf(QStringLiteral("dave"))).name,
        QStringLiteral("Dave \u00c9lise O'Brien"));
}

void TestAccountActions::plainAccountIsReadOnly()
{
    m_admin->create(QStringLiteral("root1"), kPassword, true);
    m_admin->create(QStringLiteral("frank"), kPassword);
    openWindowAs(QStringLiteral("frank"), kPassword);

    auto* banner = m_window->findChild<QLabel*>(QStringLiteral("readOnlyLabel"));
    QVERIFY(banner && banner->isVisible());
    QVERIFY2(banner->text().contains(QStringLiteral("read-only")), qPrintable(banner->text()));
    select({ QStringLiteral("root1") });
    for (QAction* action : m_window->accountActions()->actions())
        QVERIFY2(!action->isEnabled(), qPrintable(action->text()));
}

// CASES.md 14: another administrator demotes the signed-in account; its next change is
// refused (403), and the window ends the session with a message.
void TestAccountActions::demotedAccountEndsTheSession()
{
    const User grace = m_admin->create(QStringLiteral("grace"), kPassword, true);
    m_admin->create(QStringLiteral("heidi"), kPassword, true);
    m_admin->create(QStringLiteral("ivan"), kPassword);
    openWindowAs(QStringLiteral("grace"), kPassword);

    UserPatch demote;
    demote.isSuperuser = false;
    QVERIFY(!m_admin->patch(grace.id, demote).isSuperuser);

    QSignalSpy ended(m_window.get(), &MainWindow::sessionEnded);
    select({ QStringLiteral("ivan") });
    m_window->accountActions()->grantAction()->trigger();
    auto* box = waitForDialog<QMessageBox>();
    QVERIFY(box);
    acceptButtonOf(box)->click();
    QVERIFY(ended.wait(10000));
    QVERIFY(!ended.first().first().toString().isEmpty());
    QVERIFY(!m_admin->fetch(m_window->userModel()->userAt(rowOf(QStringLiteral("ivan"))).id)
                 .isSuperuser);
}

QTEST_MAIN(TestAccountActions)
#include "tst_account_actions.moc"
