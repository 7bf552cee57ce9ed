// The window and its dialogs when the control plane misbehaves (SandboxFault) or another
// administrator changes things meanwhile (CASES.md 14). Driven as an administrator would,
// against an in-process sandbox over real HTTP; the server's state is read by a second client.

#include "AccountActions.h"
#include "CreateUserDialog.h"
#include "MainWindow.h"
#include "PasswordRevealDialog.h"
#include "RenameDialog.h"
#include "controlplane/ApiClient.h"
#include "sandbox/SandboxServer.h"
#include "session/Session.h"
#include "users/UserFilterModel.h"
#include "users/UserTableModel.h"

// ApiHelper.h ignores a [[nodiscard]] result; that file belongs to the shared test support.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-result"
#include "support/ApiHelper.h"
#include "support/DialogHelpers.h"
#include "support/SandboxFaults.h"
#pragma GCC diagnostic pop

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using zenml::controlplane::UserPatch;
using zenml::sandbox::SandboxOptions;
using zenml::sandbox::SandboxServer;
using zenml::session::Session;
using zenml::ui::CreateUserDialog;
using zenml::ui::MainWindow;
using zenml::ui::PasswordRevealDialog;
using zenml::users::User;
using namespace std::chrono_literals;

namespace {

const QString kPassword = QStringLiteral("Initial-pass-123");
constexpr int kSeeded = 25;

} // namespace

class TestReliabilityWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void lostCreateAnswerIsFoundNotRepeated_data();
    void lostCreateAnswerIsFoundNotRepeated();
    void createThatNeverArrivedOffersRetry();
    void createRefusedKeepsInput_data();
    void createRefusedKeepsInput();
    void failedRefreshKeepsPreviousList_data();
    void failedRefreshKeepsPreviousList();
    void firstLoadFailingHalfwayIsIncomplete();
    void rateLimitedRefreshWaitsThenLoads();
    void invalidUtf8IsShownReplaced();
    void renameOfUserDeletedMeanwhileRemovesRow();
    void resetOfUserDeletedMeanwhileRemovesRow();
    void refreshShowsOtherAdministratorsChanges();

private:
    void openWindow(bool expectComplete = true);
    CreateUserDialog* openCreateDialog(const QString& username);
    int rowOf(const QString& username) const;
    void select(const QString& username);
    int countOnServer(const QString& username);

    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<ApiHelper> m_admin;
    QNetworkAccessManager m_network;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<MainWindow> m_window;
};

void TestReliabilityWindow::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", QDir::tempPath().toUtf8() + "/zenml-tst-reliability-config");
}

void TestReliabilityWindow::init()
{
    SandboxOptions options;
    options.adminPassword = QStringLiteral("admin-secret");
    options.passwordIterations = 1000;
    options.seedCount = kSeeded;
    options.maxPageSize = 10; // several pages, so that a listing can fail halfway
    m_server = std::make_unique<SandboxServer>(options);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    m_admin = std::make_unique<ApiHelper>(m_server->apiRoot());
    QVERIFY(m_admin->signIn(m_server->adminUsername(), m_server->adminPassword()));
}

void TestReliabilityWindow::cleanup()
{
    for (QWidget* widget : QApplication::topLevelWidgets()) {
        if (qobject_cast<QDialog*>(widget))
            delete widget;
    }
    m_window.reset();
    m_session.reset();
    m_admin.reset();
    m_server.reset();
}

void TestReliabilityWindow::openWindow(bool expectComplete)
{
    m_session = std::make_unique<Session>(&m_network);
    QSignalSpy signedIn(m_session.get(), &Session::signedIn);
    m_session->signIn(m_server->apiRoot(), Session::Method::Password, m_server->adminUsername(),
        m_server->adminPassword());
    QVERIFY(signedIn.wait(10000));

    m_window = std::make_unique<MainWindow>(m_session.get());
    m_window->show();
    QSignalSpy loaded(m_window.get(), &MainWindow::loadFinished);
    m_window->refresh();
    QVERIFY(loaded.wait(20000));
    QCOMPARE(loaded.first().first().toBool(), expectComplete);
}

CreateUserDialog* TestReliabilityWindow::openCreateDialog(const QString& username)
{
    m_window->accountActions()->createAction()->trigger();
    auto* dialog = waitForDialog<CreateUserDialog>();
    if (!dialog)
        return nullptr;
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("usernameEdit")), username);
    return dialog;
}

int TestReliabilityWindow::rowOf(const QString& username) const
{
    const auto& users = m_window->userModel()->users();
    for (int row = 0; row < users.size(); ++row) {
        if (users.at(row).username == username)
            return row;
    }
    return -1;
}

void TestReliabilityWindow::select(const QString& username)
{
    auto* view = m_window->findChild<QTableView*>(QStringLiteral("userView"));
    view->clearSelection();
    const int row = rowOf(username);
    QVERIFY2(row >= 0, qPrintable(username));
    const QModelIndex index
        = m_window->filterModel()->mapFromSource(m_window->userModel()->index(row, 0));
    view->selectionModel()->select(index, QItemSelectionModel::Select | QItemSelectionModel::Rows);
}

int TestReliabilityWindow::countOnServer(const QString& username)
{
    int count = 0;
    for (const User& user : m_admin->listAll())
        count += user.username.compare(username, Qt::CaseInsensitive) == 0 ? 1 : 0;
    return count;
}

void TestReliabilityWindow::lostCreateAnswerIsFoundNotRepeated_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<int>("timeoutMs");
    QTest::newRow("connection dropped after the create") << "POST /users: drop=start" << 30000;
    QTest::newRow("dropped in the middle of the answer") << "POST /users: drop=mid-body" << 30000;
    QTest::newRow("answer later than the timeout") << "POST /users: delay=3000" << 700;
}

// The server created the account, then its answer was lost. The dialog finds the account
// (opened by the password it sent), reports it created and shows that password; nothing is
// created twice.
void TestReliabilityWindow::lostCreateAnswerIsFoundNotRepeated()
{
    QFETCH(QString, spec);
    QFETCH(int, timeoutMs);
    openWindow();
    m_session->client()->setTimeout(std::chrono::milliseconds(timeoutMs));
    m_server->addFault(fault(spec));

    auto* dialog = openCreateDialog(QStringLiteral("Nora"));
    QVERIFY(dialog);
    QTest::keyClicks(
        dialog->findChild<QLineEdit*>(QStringLiteral("nameEdit")), QStringLiteral("Nora N."));
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();

    const QPointer<CreateUserDialog> guard(dialog);
    auto* reveal = waitForDialog<PasswordRevealDialog>(20000);
    QVERIFY2(reveal, qPrintable(guard ? guard->message() : QString()));
    const QString password = reveal->findChild<QLineEdit*>(QStringLiteral("passwordEdit"))->text();
    QCOMPARE(countOnServer(QStringLiteral("Nora")), 1);
    ApiHelper nora(m_server->apiRoot());
    QVERIFY(nora.signIn(QStringLiteral("Nora"), password));

    // The row is the server's, the display name was set afterwards.
    const int row = rowOf(QStringLiteral("Nora"));
    QVERIFY(row >= 0);
    QCOMPARE(m_admin->fetch(m_window->userModel()->userAt(row).id).name, QStringLiteral("Nora N."));
    QVERIFY2(m_window->noticeText().contains(QStringLiteral("created"), Qt::CaseInsensitive),
        qPrintable(m_window->noticeText()));
}

// The connection broke before the server handled the create: the account does not exist, the
// dialog says so and offers to send the same request again.
void TestReliabilityWindow::createThatNeverArrivedOffersRetry()
{
    openWindow();
    m_server->addFault(fault(QStringLiteral("POST /users: status=500,drop=start,times=always")));
    auto* dialog = openCreateDialog(QStringLiteral("oscar"));
    QVERIFY(dialog);
    QPushButton* create = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    create->click();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isBusy(), 20000);
    QVERIFY2(dialog->message().contains(QStringLiteral("nothing was created")),
        qPrintable(dialog->message()));
    QVERIFY(dialog->isVisible());
    QCOMPARE(create->text(), QStringLiteral("&Try again"));
    QCOMPARE(countOnServer(QStringLiteral("oscar")), 0);

    m_server->clearFaults();
    const QPointer<CreateUserDialog> guard(dialog);
    create->click();
    auto* reveal = waitForDialog<PasswordRevealDialog>();
    QVERIFY2(reveal, qPrintable(guard ? guard->message() : QString()));
    const QString password = reveal->findChild<QLineEdit*>(QStringLiteral("passwordEdit"))->text();
    QCOMPARE(countOnServer(QStringLiteral("oscar")), 1);
    ApiHelper oscar(m_server->apiRoot());
    QVERIFY(oscar.signIn(QStringLiteral("oscar"), password));
}

void TestReliabilityWindow::createRefusedKeepsInput_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("says");
    QTest::newRow("413 from a proxy") << "POST /users: status=413,nginx"
                                      << "413 Content Too Large: 413 Request Entity Too Large";
    QTest::newRow("500 plain text")
        << "POST /users: status=500,type=text/plain,body=upstream exploded"
        << "upstream exploded";
    QTest::newRow("502 from a proxy") << "POST /users: status=502,nginx"
                                      << "502 Bad Gateway";
    QTest::newRow("429, too long to wait") << "POST /users: status=429,retry-after=3600"
                                           << "Try again in 3600 second";
    QTest::newRow("truncated answer") << "POST /users: status=201,truncate=5"
                                      << "not valid JSON";
}

void TestReliabilityWindow::createRefusedKeepsInput()
{
    QFETCH(QString, spec);
    QFETCH(QString, says);
    openWindow();
    m_server->addFault(fault(spec));
    auto* dialog = openCreateDialog(QStringLiteral("paula"));
    QVERIFY(dialog);
    auto* nameEdit = dialog->findChild<QLineEdit*>(QStringLiteral("nameEdit"));
    QTest::keyClicks(nameEdit, QStringLiteral("Paula P."));
    dialog->findChild<QCheckBox*>(QStringLiteral("superuserCheck"))->setChecked(true);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();

    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isBusy(), 20000);
    QVERIFY2(dialog->message().contains(says), qPrintable(dialog->message()));
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("usernameEdit"))->text(),
        QStringLiteral("paula"));
    QCOMPARE(nameEdit->text(), QStringLiteral("Paula P."));
    QVERIFY(dialog->findChild<QCheckBox*>(QStringLiteral("superuserCheck"))->isChecked());
    QVERIFY(!waitForDialog<PasswordRevealDialog>(200));
}

void TestReliabilityWindow::failedRefreshKeepsPreviousList_data()
{
    QTest::addColumn<QString>("spec");
    QTest::newRow("502 nginx") << "GET /users: status=502,nginx,times=always";
    QTest::newRow("504 nginx") << "GET /users: status=504,nginx,times=always";
    QTest::newRow("500 text") << "GET /users: status=500,type=text/plain,body=oops,times=always";
    QTest::newRow("dropped") << "GET /users: drop=start,times=always";
    QTest::newRow("dropped mid-body, second page")
        << "GET /users: skip=1,drop=mid-body,times=always";
    QTest::newRow("truncated JSON") << "GET /users: truncate=half,times=always";
    QTest::newRow("huge body") << "GET /users: huge=100M,times=always";
    QTest::newRow("slow beyond the timeout") << "GET /users: delay=3000,times=always";
    QTest::newRow("429 too long") << "GET /users: status=429,retry-after=900,times=always";
    QTest::newRow("cross-origin redirect")
        << "GET /users: redirect=http://127.0.0.2:9,times=always";
}

// CASES.md 9 and its kin: whatever the refresh meets, the rows loaded before stay, the window
// says the list is the older one, and the next refresh works.
void TestReliabilityWindow::failedRefreshKeepsPreviousList()
{
    QFETCH(QString, spec);
    openWindow();
    m_session->client()->setTimeout(1000ms);
    const int rows = m_window->userModel()->rowCount();
    QCOMPARE(rows, kSeeded + 1);

    m_server->addFault(fault(spec));
    QSignalSpy loaded(m_window.get(), &MainWindow::loadFinished);
    m_window->refresh();
    QVERIFY(loaded.wait(20000));
    QCOMPARE(loaded.first().first().toBool(), false);
    QCOMPARE(m_window->userModel()->rowCount(), rows);
    QVERIFY2(m_window->noticeText().contains(QStringLiteral("Could not refresh")),
        qPrintable(m_window->noticeText()));
    QVERIFY(!m_window->noticeText().contains(u'<'));
    QVERIFY(!m_window->isLoading());

    m_server->clearFaults();
    loaded.clear();
    m_window->refresh();
    QVERIFY(loaded.wait(20000));
    QCOMPARE(loaded.first().first().toBool(), true);
    QVERIFY(m_window->noticeText().isEmpty());
}

// A first load that fails after some pages says the list is incomplete, never "N users" alone.
void TestReliabilityWindow::firstLoadFailingHalfwayIsIncomplete()
{
    m_server->addFault(fault(QStringLiteral("GET /users: skip=1,drop=mid-body,times=always")));
    openWindow(/*expectComplete=*/false);
    const int rows = m_window->userModel()->rowCount();
    QVERIFY(rows < kSeeded + 1);
    QVERIFY2(m_window->noticeText().contains(QStringLiteral("incomplete")),
        qPrintable(m_window->noticeText()));
    QVERIFY2(m_window->countText().contains(QStringLiteral("incomplete")),
        qPrintable(m_window->countText()));

    // A refresh that fails too must not make the partial list look whole.
    m_server->clearFaults();
    m_server->addFault(fault(QStringLiteral("GET /users: status=502,times=always")));
    QSignalSpy loaded(m_window.get(), &MainWindow::loadFinished);
    m_window->refresh();
    QVERIFY(loaded.wait(20000));
    QCOMPARE(loaded.first().first().toBool(), false);
    QCOMPARE(m_window->userModel()->rowCount(), rows);
    QVERIFY2(m_window->noticeText().contains(QStringLiteral("incomplete")),
        qPrintable(m_window->noticeText()));
    QVERIFY2(m_window->countText().contains(QStringLiteral("incomplete")),
        qPrintable(m_window->countText()));

    // A whole list at last: nothing says incomplete any more.
    m_server->clearFaults();
    loaded.clear();
    m_window->refresh();
    QVERIFY(loaded.wait(20000));
    QCOMPARE(loaded.first().first().toBool(), true);
    QCOMPARE(m_window->userModel()->rowCount(), kSeeded + 1);
    QVERIFY(!m_window->countText().contains(QStringLiteral("incomplete")));
    QVERIFY(m_window->noticeText().isEmpty());
}

void TestReliabilityWindow::rateLimitedRefreshWaitsThenLoads()
{
    m_server->addFault(fault(QStringLiteral("GET /users: status=429,retry-after=1")));
    openWindow();
    QCOMPARE(m_window->userModel()->rowCount(), kSeeded + 1);
    QVERIFY(m_window->noticeText().isEmpty());
}

void TestReliabilityWindow::invalidUtf8IsShownReplaced()
{
    m_admin->create(QStringLiteral("ursula"), kPassword);
    m_server->addFault(fault(QStringLiteral("GET /users: bad-utf8=username,times=always")));
    openWindow();
    QCOMPARE(m_window->userModel()->rowCount(), kSeeded + 2);
    bool found = false;
    for (const User& user : m_window->userModel()->users()) {
        QVERIFY2(user.username.contains(QChar(0xfffd)), qPrintable(user.username));
        found = found || user.username.endsWith(QStringLiteral("ursula"));
    }
    QVERIFY(found);
}

// CASES.md 14: another administrator deleted the account being renamed.
void TestReliabilityWindow::renameOfUserDeletedMeanwhileRemovesRow()
{
    const User olga = m_admin->create(QStringLiteral("olga"), kPassword);
    openWindow();
    QVERIFY(rowOf(QStringLiteral("olga")) >= 0);
    select(QStringLiteral("olga"));
    m_window->accountActions()->renameAction()->trigger();
    // The dialog deletes itself when it closes.
    const QPointer<zenml::ui::RenameDialog> dialog = waitForDialog<zenml::ui::RenameDialog>();
    QVERIFY(dialog);
    QVERIFY(!m_admin->remove(olga.id));

    dialog->findChild<QLineEdit*>(QStringLiteral("nameEdit"))->setText(QStringLiteral("Olga O."));
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QTRY_COMPARE(rowOf(QStringLiteral("olga")), -1);
    QVERIFY2(m_window->noticeText().contains(QStringLiteral("no longer exists")),
        qPrintable(m_window->noticeText()));
    QTRY_VERIFY(!dialog || !dialog->isVisible());
}

// CASES.md 14: another administrator deleted the account whose password is being reset.
void TestReliabilityWindow::resetOfUserDeletedMeanwhileRemovesRow()
{
    const User rita = m_admin->create(QStringLiteral("rita"), kPassword);
    openWindow();
    select(QStringLiteral("rita"));
    QVERIFY(!m_admin->remove(rita.id));
    m_window->accountActions()->resetPasswordAction()->trigger();
    auto* box = waitForDialog<QMessageBox>();
    QVERIFY(box);
    for (QAbstractButton* button : box->buttons()) {
        if (box->buttonRole(button) == QMessageBox::AcceptRole)
            button->click();
    }
    QTRY_COMPARE(rowOf(QStringLiteral("rita")), -1);
    QVERIFY2(m_window->noticeText().contains(QStringLiteral("no longer exists")),
        qPrintable(m_window->noticeText()));
    QVERIFY(!waitForDialog<PasswordRevealDialog>(300));
}

// CASES.md 14: after another administrator's changes, a refresh shows the server's state
// exactly: new rows, gone rows, changed rows.
void TestReliabilityWindow::refreshShowsOtherAdministratorsChanges()
{
    const User sam = m_admin->create(QStringLiteral("sam"), kPassword);
    const User tina = m_admin->create(QStringLiteral("tina"), kPassword);
    openWindow();

    m_admin->create(QStringLiteral("victor"), kPassword, true);
    QVERIFY(!m_admin->remove(tina.id));
    UserPatch promote;
    promote.isSuperuser = true;
    promote.name = QStringLiteral("Sam the Admin");
    QVERIFY(m_admin->patch(sam.id, promote).isSuperuser);

    QSignalSpy loaded(m_window.get(), &MainWindow::loadFinished);
    m_window->refresh();
    QVERIFY(loaded.wait(20000));
    QVERIFY(loaded.first().first().toBool());

    const auto key = [](const User& user) -> QString {
        return user.id + u'|' + user.username + u'|' + user.name + u'|'
            + (user.isSuperuser ? u'S' : u'-');
    };
    QStringList shown;
    for (const User& user : m_window->userModel()->users())
        shown << key(user);
    QStringList onServer;
    for (const User& user : m_admin->listAll())
        onServer << key(user);
    shown.sort();
    onServer.sort();
    QCOMPARE(shown, onServer);
    QCOMPARE(rowOf(QStringLiteral("tina")), -1);
    QVERIFY(rowOf(QStringLiteral("victor")) >= 0);
}

QTEST_MAIN(TestReliabilityWindow)
#include "tst_reliability_window.moc"
