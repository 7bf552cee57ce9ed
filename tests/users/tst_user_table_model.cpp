#include "users/UserTableModel.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using zenml::users::AccountKind;
using zenml::users::User;
using zenml::users::UserList;
using zenml::users::UserTableModel;

namespace {

User makeUser(
    const QString& id, const QString& username, const QString& name = {}, const QString& email = {})
{
    User user;
    user.id = id;
    user.username = username;
    user.name = name;
    user.email = email;
    return user;
}

UserList manyUsers(int count, int firstId = 0)
{
    UserList users;
    users.reserve(count);
    for (int i = firstId; i < firstId + count; ++i) {
        users.append(makeUser(QStringLiteral("id-%1").arg(i), QStringLiteral("user%1").arg(i),
            QStringLiteral("User Number %1").arg(i), QStringLiteral("user%1@example.com").arg(i)));
    }
    return users;
}

} // namespace

class TestUserTableModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void uniqueByIdKeepsFirstPlaceAndLatestValues();

    void appendInsertsOneBatch();
    void appendReplacesKnownIds();
    void resetIsOneReset();
    void resetKeepsOneRowPerId();
    void upsertReplacesOrAppends();
    void removeKeepsIdLookupRight();
    void displayText_data();
    void displayText();
    void headers();
    void kinds_data();
    void kinds();
    void reservedAdminNameChangesKind();
    void sortRole_data();
    void sortRole();
    void searchText();
    void toolTips();
    void hundredThousandRows();

private:
    std::unique_ptr<UserTableModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestUserTableModel::initTestCase()
{
    m_model = std::make_unique<UserTableModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestUserTableModel::init()
{
    m_model->clear();
}

void TestUserTableModel::appendInsertsOneBatch()
{
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);

    m_model->appendUsers(manyUsers(3));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 2);

    m_model->appendUsers(manyUsers(2, 3));
    QCOMPARE(inserted.size(), 2);
    QCOMPARE(inserted.at(1).at(1).toInt(), 3);
    QCOMPARE(inserted.at(1).at(2).toInt(), 4);
    QCOMPARE(m_model->rowCount(), 5);
    QCOMPARE(m_model->rowOfId(QStringLiteral("id-4")), 4);

    m_model->appendUsers({});
    QCOMPARE(inserted.size(), 2);
}

void TestUserTableModel::appendReplacesKnownIds()
{
    m_model->appendUsers(manyUsers(3));
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);

    // Offset paging can repeat an account while others are created; the row is replaced.
    UserList batch = manyUsers(2, 2);
    batch[0].name = QStringLiteral("Renamed");
    batch.append(makeUser(QStringLiteral("id-3"), QStringLiteral("again")));
    m_model->appendUsers(batch);

    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(m_model->userAt(2).name, QStringLiteral("Renamed"));
    QCOMPARE(m_model->userAt(3).username, QStringLiteral("again"));
    QCOMPARE(m_model->rowOfId(QStringLiteral("id-3")), 3);
}

void TestUserTableModel::resetIsOneReset()
{
    m_model->appendUsers(manyUsers(10));
    QSignalSpy aboutToReset(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);

    m_model->resetUsers(manyUsers(4, 100));
    QCOMPARE(aboutToReset.size(), 1);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(m_model->rowOfId(QStringLiteral("id-0")), -1);
    QCOMPARE(m_model->rowOfId(QStringLiteral("id-102")), 2);

    m_model->clear();
    QCOMPARE(reset.size(), 2);
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->rowOfId(QStringLiteral("id-102")), -1);
}

void TestUserTableModel::resetKeepsOneRowPerId()
{
    UserList users = manyUsers(3);
    users.append(makeUser(QStringLiteral("id-1"), QStringLiteral("latest")));
    m_model->resetUsers(users);
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_model->userAt(1).username, QStringLiteral("latest"));
}

void TestUserTableModel::upsertReplacesOrAppends()
{
    m_model->appendUsers(manyUsers(3));
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);

    User updated = m_model->userAt(1);
    updated.isSuperuser = true;
    m_model->upsertUser(updated);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);
    QCOMPARE(changed.at(0).at(1).toModelIndex().column(), UserTableModel::ColumnCount - 1);
    QVERIFY(m_model->userAt(1).isSuperuser);
    QCOMPARE(inserted.size(), 0);

    m_model->upsertUser(makeUser(QStringLiteral("new"), QStringLiteral("newcomer")));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(m_model->rowOfId(QStringLiteral("new")), 3);
}

void TestUserTableModel::removeKeepsIdLookupRight()
{
    m_model->appendUsers(manyUsers(5));
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);

    QVERIFY(m_model->removeUser(QStringLiteral("id-1")));
    QCOMPARE(removed.size(), 1);
    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(m_model->rowOfId(QStringLiteral("id-1")), -1);
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QString id = m_model->userAt(row).id;
        QCOMPARE(m_model->rowOfId(id), row);
        QCOMPARE(m_model->index(row, 0).data(UserTableModel::UserIdRole).toString(), id);
    }

    QVERIFY(!m_model->removeUser(QStringLiteral("id-1")));
    QVERIFY(!m_model->removeUser(QString()));
    QCOMPARE(removed.size(), 1);

    QVERIFY(m_model->removeUser(QStringLiteral("id-4")));
    QVERIFY(m_model->removeUser(QStringLiteral("id-0")));
    QCOMPARE(m_model->rowOfId(QStringLiteral("id-2")), 0);
    QCOMPARE(m_model->rowOfId(QStringLiteral("id-3")), 1);
}

void TestUserTableModel::displayText_data()
{
    QTest::addColumn<bool>("superuser");
    QTest::addColumn<bool>("active");
    QTest::addColumn<bool>("expired");
    QTest::addColumn<QStringList>("expected"); // super-user, active, must change password

    QTest::newRow("plain") << false << true << false << QStringList { {}, "Yes", {} };
    QTest::newRow("super-user") << true << true << false << QStringList { "Yes", "Yes", {} };
    QTest::newRow("inactive") << false << false << false << QStringList { {}, "No", {} };
    QTest::newRow("expired") << false << true << true << QStringList { {}, "Yes", "Yes" };
}

void TestUserTableModel::displayText()
{
    QFETCH(bool, superuser);
    QFETCH(bool, active);
    QFETCH(bool, expired);
    QFETCH(QStringList, expected);

    User user = makeUser(QStringLiteral("u"), QStringLiteral("alice"), QStringLiteral("Alice A"),
        QStringLiteral("alice@example.com"));
    user.isSuperuser = superuser;
    user.isActive = active;
    user.passwordExpired = expired;
    m_model->appendUsers({ user });

    auto text = [this](int column) { return m_model->index(0, column).data().toString(); };
    QCOMPARE(text(UserTableModel::UsernameColumn), QStringLiteral("alice"));
    QCOMPARE(text(UserTableModel::NameColumn), QStringLiteral("Alice A"));
    QCOMPARE(text(UserTableModel::EmailColumn), QStringLiteral("alice@example.com"));
    QCOMPARE(text(UserTableModel::KindColumn), QStringLiteral("Local"));
    QCOMPARE(text(UserTableModel::SuperuserColumn), expected.at(0));
    QCOMPARE(text(UserTableModel::ActiveColumn), expected.at(1));
    QCOMPARE(text(UserTableModel::MustChangePasswordColumn), expected.at(2));
}

void TestUserTableModel::headers()
{
    const QStringList expected
        = { "Username", "Name", "E-mail", "Kind", "Super-user", "Active", "Must change password" };
    QCOMPARE(m_model->columnCount(), expected.size());
    for (int column = 0; column < expected.size(); ++column)
        QCOMPARE(m_model->headerData(column, Qt::Horizontal).toString(), expected.at(column));
}

void TestUserTableModel::kinds_data()
{
    QTest::addColumn<QString>("username");
    QTest::addColumn<bool>("serviceAccount");
    QTest::addColumn<QString>("oauthProvider");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("label");

    QTest::newRow("local") << "bob" << false << "" << int(AccountKind::Local) << "Local";
    QTest::newRow("sso") << "bob@example.com" << false << "google" << int(AccountKind::Sso)
                         << "SSO";
    QTest::newRow("service") << "ci" << true << "" << int(AccountKind::ServiceAccount)
                             << "Service account";
    QTest::newRow("admin") << "admin" << false << "" << int(AccountKind::ReservedAdmin)
                           << "Reserved admin";
    QTest::newRow("admin any case")
        << "ADMIN" << true << "" << int(AccountKind::ReservedAdmin) << "Reserved admin";
    QTest::newRow("admin-like") << "admin2" << false << "" << int(AccountKind::Local) << "Local";
}

void TestUserTableModel::kinds()
{
    QFETCH(QString, username);
    QFETCH(bool, serviceAccount);
    QFETCH(QString, oauthProvider);
    QFETCH(int, kind);
    QFETCH(QString, label);

    User user = makeUser(QStringLiteral("k"), username);
    user.isServiceAccount = serviceAccount;
    user.oauthProvider = oauthProvider;
    QCOMPARE(int(user.kind()), kind);

    m_model->appendUsers({ user });
    QCOMPARE(m_model->index(0, UserTableModel::KindColumn).data().toString(), label);
}

void TestUserTableModel::reservedAdminNameChangesKind()
{
    m_model->appendUsers({ makeUser(QStringLiteral("1"), QStringLiteral("root")),
        makeUser(QStringLiteral("2"), QStringLiteral("admin")) });
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);

    m_model->setReservedAdminUsername(QStringLiteral("Root"));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(m_model->index(0, UserTableModel::KindColumn).data().toString(),
        QStringLiteral("Reserved admin"));
    QCOMPARE(
        m_model->index(1, UserTableModel::KindColumn).data().toString(), QStringLiteral("Local"));

    m_model->setReservedAdminUsername(zenml::users::User::defaultReservedAdminUsername());
}

void TestUserTableModel::sortRole_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QVariant>("expected");

    QTest::newRow("username") << int(UserTableModel::UsernameColumn) << QVariant("ada");
    QTest::newRow("name") << int(UserTableModel::NameColumn) << QVariant("ada lovelace");
    QTest::newRow("email") << int(UserTableModel::EmailColumn) << QVariant("ada@example.org");
    QTest::newRow("kind") << int(UserTableModel::KindColumn) << QVariant("local");
    QTest::newRow("super-user") << int(UserTableModel::SuperuserColumn) << QVariant(1);
    QTest::newRow("active") << int(UserTableModel::ActiveColumn) << QVariant(0);
    QTest::newRow("must change") << int(UserTableModel::MustChangePasswordColumn) << QVariant(1);
}

void TestUserTableModel::sortRole()
{
    QFETCH(int, column);
    QFETCH(QVariant, expected);

    User user = makeUser(QStringLiteral("s"), QStringLiteral("Ada"), QStringLiteral("Ada Lovelace"),
        QStringLiteral("ADA@example.org"));
    user.isSuperuser = true;
    user.isActive = false;
    user.passwordExpired = true;
    m_model->appendUsers({ user });
    QCOMPARE(m_model->index(0, column).data(UserTableModel::SortRole), expected);
}

void TestUserTableModel::searchText()
{
    m_model->appendUsers({ makeUser(QStringLiteral("x"), QStringLiteral("Grace"),
        QStringLiteral("Grace HOPPER"), QStringLiteral("Grace@Navy.mil")) });
    const QString text = m_model->index(0, 0).data(UserTableModel::SearchTextRole).toString();
    QCOMPARE(text, QStringLiteral("grace\ngrace hopper\ngrace@navy.mil"));
    // Each field is searched on its own: no match spans two fields.
    QVERIFY(m_model->searchTextContains(0, QStringLiteral("hopper")));
    QVERIFY(m_model->searchTextContains(0, QStringLiteral("@navy")));
    QVERIFY(!m_model->searchTextContains(0, QStringLiteral("hopper\ngrace")));
    QVERIFY(!m_model->searchTextContains(0, QStringLiteral("Hopper"))); // the needle is folded
}

void TestUserTableModel::toolTips()
{
    User user = makeUser(QStringLiteral("tip"), QStringLiteral("t"));
    user.passwordExpired = true;
    m_model->appendUsers({ user });
    QVERIFY(m_model->index(0, UserTableModel::MustChangePasswordColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("new password")));
    QVERIFY(m_model->index(0, UserTableModel::UsernameColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("tip")));
}

void TestUserTableModel::hundredThousandRows()
{
    // A separate model: the tester would walk every row after each change.
    UserTableModel model;
    const UserList users = manyUsers(100000);
    QElapsedTimer clock;
    clock.start();
    for (int page = 0; page < 100; ++page)
        model.appendUsers(users.mid(page * 1000, 1000));
    const qint64 appendMs = clock.restart();
    model.resetUsers(users);
    const qint64 resetMs = clock.elapsed();
    qInfo("100,000 rows: appended in 100 pages in %lld ms, reset in %lld ms", appendMs, resetMs);

    QCOMPARE(model.rowCount(), 100000);
    QCOMPARE(model.rowOfId(QStringLiteral("id-99999")), 99999);
    QVERIFY(model.removeUser(QStringLiteral("id-0")));
    QCOMPARE(model.rowOfId(QStringLiteral("id-99999")), 99998);
}

// What the command line lists when offset pages overlap (accounts created while listing).
void TestUserTableModel::uniqueByIdKeepsFirstPlaceAndLatestValues()
{
    User firstB = makeUser(QStringLiteral("b"), QStringLiteral("bob"));
    User laterB = firstB;
    laterB.isSuperuser = true;
    const UserList listed = { makeUser(QStringLiteral("a"), QStringLiteral("alice")), firstB,
        makeUser(QString(), QStringLiteral("no-id")),
        makeUser(QString(), QStringLiteral("no-id-2")), laterB,
        makeUser(QStringLiteral("c"), QStringLiteral("carol")) };
    const UserList unique = zenml::users::uniqueById(listed);
    QCOMPARE(unique.size(), 5);
    QCOMPARE(unique.at(1).username, QStringLiteral("bob"));
    QVERIFY(unique.at(1).isSuperuser); // the later values
    QCOMPARE(unique.at(2).username, QStringLiteral("no-id"));
    QCOMPARE(unique.at(3).username, QStringLiteral("no-id-2"));
    QCOMPARE(unique.at(4).username, QStringLiteral("carol"));
}

QTEST_GUILESS_MAIN(TestUserTableModel)
#include "tst_user_table_model.moc"
