#include "Output.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace zenml::cli::output {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("zenml::cli", text);
}

QString kindKey(users::AccountKind kind)
{
    switch (kind) {
    case users::AccountKind::Local:
        return QStringLiteral("local");
    case users::AccountKind::Sso:
        return QStringLiteral("sso");
    case users::AccountKind::ServiceAccount:
        return QStringLiteral("service_account");
    case users::AccountKind::ReservedAdmin:
        return QStringLiteral("reserved_admin");
    }
    return {};
}

QString yesNo(bool value)
{
    return value ? tr("yes") : tr("no");
}

// The columns of table and csv, in order. csv uses the keys of the JSON output as its header
// so that a script can move from one format to the other.
struct Column
{
    QString jsonKey;
    QString title;
};

QList<Column> columns()
{
    return { { QStringLiteral("username"), tr("USERNAME") }, { QStringLiteral("name"), tr("NAME") },
        { QStringLiteral("email"), tr("E-MAIL") }, { QStringLiteral("kind"), tr("KIND") },
        { QStringLiteral("is_superuser"), tr("SUPER-USER") },
        { QStringLiteral("is_active"), tr("ACTIVE") },
        { QStringLiteral("password_expired"), tr("MUST CHANGE PASSWORD") },
        { QStringLiteral("id"), tr("ID") } };
}

QStringList tableRow(const users::User& user, const QString& reservedAdmin)
{
    return { user.username, user.name, user.email,
        users::accountKindLabel(user.kind(reservedAdmin)), yesNo(user.isSuperuser),
        yesNo(user.isActive), yesNo(user.passwordExpired), user.id };
}

QStringList csvRow(const users::User& user, const QString& reservedAdmin)
{
    const auto flag
        = [](bool value) { return value ? QStringLiteral("true") : QStringLiteral("false"); };
    return { user.username, user.name, user.email, kindKey(user.kind(reservedAdmin)),
        flag(user.isSuperuser), flag(user.isActive), flag(user.passwordExpired), user.id };
}

// Columns on a terminal: code points, not UTF-16 units. Wide (CJK) characters still take two
// cells, which this does not know; such rows end up slightly out of line.
qsizetype displayWidth(const QString& text)
{
    qsizetype width = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i).isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            ++i;
        ++width;
    }
    return width;
}

} // namespace

QJsonObject userToJson(const users::User& user, const QString& reservedAdminUsername)
{
    return QJsonObject { { QStringLiteral("id"), user.id },
        { QStringLiteral("username"), user.username }, { QStringLiteral("name"), user.name },
        { QStringLiteral("email"), user.email },
        { QStringLiteral("kind"), kindKey(user.kind(reservedAdminUsername)) },
        { QStringLiteral("is_superuser"), user.isSuperuser },
        { QStringLiteral("is_active"), user.isActive },
        { QStringLiteral("is_service_account"), user.isServiceAccount },
        { QStringLiteral("password_expired"), user.passwordExpired },
        { QStringLiteral("oauth_provider"), user.oauthProvider } };
}

QString jsonText(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented));
}

QString jsonText(const users::UserList& list, const QString& reservedAdminUsername)
{
    QJsonArray array;
    for (const users::User& user : list)
        array.append(userToJson(user, reservedAdminUsername));
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
}

namespace {

// The invisible marks that reorder text (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069): a
// name holding one can make a terminal line or a spreadsheet cell read differently from what
// it holds ("evil<U+202E>txt.exe").
bool isBidiControl(QChar c)
{
    const char16_t u = c.unicode();
    return u == 0x061c || u == 0x200e || u == 0x200f || (u >= 0x202a && u <= 0x202e)
        || (u >= 0x2066 && u <= 0x2069);
}

} // namespace

QString terminalSafe(const QString& text)
{
    QString safe = text;
    for (QChar& c : safe) {
        if (c.category() == QChar::Other_Control || isBidiControl(c))
            c = QChar::ReplacementCharacter;
    }
    return safe;
}

QString table(const users::UserList& list, const QString& reservedAdminUsername)
{
    QList<QStringList> rows;
    rows.reserve(list.size() + 1);
    QStringList header;
    const QList<Column> all = columns();
    for (const Column& column : all)
        header << column.title;
    rows << header;
    for (const users::User& user : list) {
        QStringList row = tableRow(user, reservedAdminUsername);
        for (QString& cell : row)
            cell = terminalSafe(cell);
        rows << row;
    }

    QList<qsizetype> widths(header.size(), 0);
    for (const QStringList& row : std::as_const(rows)) {
        for (qsizetype i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], displayWidth(row.at(i)));
    }

    QString text;
    for (const QStringList& row : std::as_const(rows)) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i) {
            line += row.at(i);
            if (i + 1 < row.size())
                line += QString(widths.at(i) - displayWidth(row.at(i)) + 2, QLatin1Char(' '));
        }
        while (line.endsWith(QLatin1Char(' ')))
            line.chop(1);
        text += line + QLatin1Char('\n');
    }
    return text;
}

QString csvCell(const QString& value)
{
    // Line breaks and tabs are kept (quoted below); other control characters (a NUL byte
    // ends a cell in some readers) and bidirectional marks are not.
    QString cell = value;
    for (QChar& c : cell) {
        const bool kept = c == u'\n' || c == u'\r' || c == u'\t';
        if ((c.category() == QChar::Other_Control && !kept) || isBidiControl(c))
            c = QChar::ReplacementCharacter;
    }
    static const QString formulaStarts = QStringLiteral("=+-@\t\r");
    if (!cell.isEmpty() && formulaStarts.contains(cell.front()))
        cell.prepend(QLatin1Char('\''));
    if (cell.contains(QLatin1Char(',')) || cell.contains(QLatin1Char('"'))
        || cell.contains(QLatin1Char('\r')) || cell.contains(QLatin1Char('\n'))) {
        cell.replace(QLatin1String("\""), QLatin1String("\"\""));
        cell = QLatin1Char('"') + cell + QLatin1Char('"');
    }
    return cell;
}

QString csv(const users::UserList& list, const QString& reservedAdminUsername)
{
    const QLatin1String lineEnd("\r\n");
    QStringList header;
    const QList<Column> all = columns();
    for (const Column& column : all)
        header << column.jsonKey;
    QString text = header.join(QLatin1Char(',')) + lineEnd;
    for (const users::User& user : list) {
        QStringList row = csvRow(user, reservedAdminUsername);
        for (QString& cell : row)
            cell = csvCell(cell);
        text += row.join(QLatin1Char(',')) + lineEnd;
    }
    return text;
}

users::UserList filtered(const users::UserList& list, const QString& filter)
{
    const QString needle = filter.trimmed();
    if (needle.isEmpty())
        return list;
    users::UserList kept;
    for (const users::User& user : list) {
        if (user.username.contains(needle, Qt::CaseInsensitive)
            || user.name.contains(needle, Qt::CaseInsensitive)
            || user.email.contains(needle, Qt::CaseInsensitive))
            kept << user;
    }
    return kept;
}

} // namespace zenml::cli::output
