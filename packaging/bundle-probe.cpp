// zenml-bundle-probe: a test tool, never installed. packaging/install-test.sh copies it into
// an installed offline bundle inside a bare Debian root and runs it there, to prove what the
// program only loads on demand: the TLS backend with OpenSSL, the SVG image format and icon
// engine, the SQLite driver, and libsecret for QtKeychain. Its last lines name every shared
// object the process mapped, so the test can check that none the bundle carries came from
// the host.
//
//   zenml-bundle-probe ICON.svg

#include <QFile>
#include <QGuiApplication>
#include <QIcon>
#include <QImageReader>
#include <QLibrary>
#include <QLibraryInfo>
#include <QPixmap>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSslSocket>

#include <cstdio>

namespace {

int failures = 0;

void check(bool ok, const QString& what)
{
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", qPrintable(what));
    if (!ok)
        ++failures;
}

QString joined(const QList<QByteArray>& list)
{
    QStringList out;
    for (const QByteArray& item : list)
        out << QString::fromLatin1(item);
    return out.join(u' ');
}

} // namespace

int main(int argc, char* argv[])
{
    QGuiApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: zenml-bundle-probe ICON.svg\n");
        return 2;
    }

    check(true,
        QStringLiteral("platform ") + QGuiApplication::platformName()
            + QStringLiteral(", plugins from ") + QLibraryInfo::path(QLibraryInfo::PluginsPath));

    check(QSslSocket::availableBackends().contains(QStringLiteral("openssl")),
        QStringLiteral("TLS backends: ") + QSslSocket::availableBackends().join(u' '));
    check(QSslSocket::supportsSsl(),
        QStringLiteral("TLS active: ") + QSslSocket::activeBackend() + QStringLiteral(", ")
            + QSslSocket::sslLibraryVersionString());

    check(QImageReader::supportedImageFormats().contains("svg"),
        QStringLiteral("image formats: ") + joined(QImageReader::supportedImageFormats()));
    const QIcon icon(QString::fromLocal8Bit(argv[1]));
    check(!icon.pixmap(64, 64).isNull(), QStringLiteral("SVG icon rendered at 64x64"));

    check(QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")),
        QStringLiteral("SQL drivers: ") + QSqlDatabase::drivers().join(u' '));
    {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe"));
        db.setDatabaseName(QStringLiteral(":memory:"));
        QSqlQuery query(db);
        const bool ok
            = db.open() && query.exec(QStringLiteral("select sqlite_version()")) && query.next();
        check(ok,
            QStringLiteral("SQLite ") + (ok ? query.value(0).toString() : db.lastError().text()));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("probe"));

    // QtKeychain opens libsecret the same way: by name, through QtCore's dlopen.
    QLibrary secret(QStringLiteral("secret-1"), 0);
    const bool secretLoaded = secret.load();
    check(secretLoaded,
        QStringLiteral("libsecret: ")
            + (secretLoaded ? QStringLiteral("loaded") : secret.errorString()));

    // /proc files report size 0: read them whole, not up to atEnd().
    QFile maps(QStringLiteral("/proc/self/maps"));
    if (maps.open(QIODevice::ReadOnly)) {
        QSet<QByteArray> seen;
        const QList<QByteArray> lines = maps.readAll().split('\n');
        for (const QByteArray& line : lines) {
            const qsizetype slash = line.indexOf('/');
            if (slash < 0 || !line.contains(".so"))
                continue;
            const QByteArray path = line.mid(slash);
            if (!seen.contains(path)) {
                seen.insert(path);
                std::printf("mapped %s\n", path.constData());
            }
        }
    }
    return failures == 0 ? 0 : 1;
}
