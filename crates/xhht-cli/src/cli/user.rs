//! The command-line definition of `xhht user`: the accounts of the server, kept in the same
//! database, and the stored accounts `--as` acts as.

use clap::Subcommand;

/// `xhht user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Thêm tài khoản (không bao giờ thay tài khoản đã có) / add an account (never replaces one).
    Add {
        /// Tên đăng nhập / the user name.
        name: String,
        /// Vai trò / the role: admin, reviewer, verifier, unit, viewer, member (tài khoản cá nhân, cần --person / a person's own account, needs --person).
        #[arg(value_parser = ["admin", "reviewer", "verifier", "unit", "viewer", "member"])]
        role: String,
        /// Mã đơn vị (bắt buộc với vai trò unit) / the organisation's code (a unit needs one).
        #[arg(long)]
        organisation: Option<String>,
        /// Tên biến môi trường chứa mật khẩu đăng nhập bảng điều khiển / the environment variable holding the dashboard password.
        #[arg(long)]
        password_env: Option<String>,
        /// Mã người (trong hồ sơ) của tài khoản: thủ trưởng phê duyệt với tư cách người đó; tài khoản member bắt buộc có / the person in the records this account is (a head approves as that person; a member account needs one).
        #[arg(long, required_if_eq("role", "member"))]
        person: Option<String>,
    },
    /// Đặt mật khẩu mới; mọi phiên và mã truy cập cũ chấm dứt / set a new password; every session and token ends.
    Password {
        /// Tên đăng nhập / the user name.
        name: String,
        /// Tên biến môi trường chứa mật khẩu mới / the environment variable holding the new password.
        #[arg(long)]
        password_env: String,
    },
    /// Khóa tài khoản: bỏ mật khẩu, chấm dứt mọi phiên và mã truy cập / disable an account: no password, every session and token ended.
    Disable {
        /// Tên đăng nhập / the user name.
        name: String,
    },
    /// Thu hồi mã truy cập API theo tiền tố (8 chữ số sau `xhht_`) / revoke API tokens by their prefix (the 8 hex digits after `xhht_`).
    Revoke {
        /// Tiền tố / the prefix.
        prefix: String,
    },
    /// Tạo mã truy cập API (chỉ hiện một lần) / create an API token (shown once).
    Token {
        /// Tên đăng nhập / the user.
        user: String,
        /// Tên gợi nhớ của mã / what the token is for.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}
